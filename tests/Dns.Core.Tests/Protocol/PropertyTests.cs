using CsCheck;
using Dns.Core.Corefile;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

public sealed class PropertyTests
{
    [Fact]
    public void EncodeDecode_RandomMessage_RoundTripsExactly()
    {
        MessageGen.Message.Sample(m =>
        {
            var bytes = m.ToArray();
            var back = DnsMessage.Parse(bytes);
            MessageAssert.Equal(m, back);
            // Encoding is deterministic: the decoded message encodes to the same bytes.
            Assert.Equal(bytes, back.ToArray());
        }, iter: 2000);
    }

    [Fact]
    public void Encode_WithAndWithoutCompression_DecodesToTheSameMessage()
    {
        MessageGen.Message.Sample(m =>
        {
            var compressed = m.ToArray();
            var plain = WriteUncompressed(m);
            Assert.True(compressed.Length <= plain.Length);
            MessageAssert.Equal(DnsMessage.Parse(plain), DnsMessage.Parse(compressed));
        }, iter: 1000);
    }

    /// <summary>The message written field by field with a writer that has no compression table.</summary>
    private static byte[] WriteUncompressed(DnsMessage m)
    {
        var buf = new byte[DnsMessageWriter.MaxMessageSize];
        var w = new DnsMessageWriter(buf, null);
        var flags = (m.IsResponse ? 0x8000 : 0) | ((int)m.OpCode << 11) | (m.AuthoritativeAnswer ? 0x0400 : 0) | (m.Truncated ? 0x0200 : 0)
            | (m.RecursionDesired ? 0x0100 : 0) | (m.RecursionAvailable ? 0x0080 : 0) | (m.AuthenticData ? 0x0020 : 0)
            | (m.CheckingDisabled ? 0x0010 : 0) | ((int)m.ResponseCode & 0xF);
        w.WriteUInt16(m.Id);
        w.WriteUInt16((ushort)flags);
        w.WriteUInt16((ushort)m.Questions.Count);
        w.WriteUInt16((ushort)m.Answers.Count);
        w.WriteUInt16((ushort)m.Authority.Count);
        w.WriteUInt16((ushort)(m.Additional.Count + (m.Opt is null ? 0 : 1)));
        foreach (var q in m.Questions)
        {
            w.WriteName(q.Name, compress: true);
            w.WriteUInt16((ushort)q.Type);
            w.WriteUInt16((ushort)q.Class);
        }
        foreach (var r in m.Answers.Concat(m.Authority).Concat(m.Additional))
        {
            w.WriteRecord(r);
        }
        if (m.Opt is { } o)
        {
            w.WriteByte(0);
            w.WriteUInt16((ushort)DnsRecordType.Opt);
            w.WriteUInt16(o.UdpPayloadSize);
            w.WriteUInt32(((uint)((int)m.ResponseCode >> 4) << 24) | ((uint)o.Version << 16) | (o.DnssecOk ? 0x8000u : 0u) | o.Z);
            w.WriteUInt16((ushort)(o.WireLength - 11));
            foreach (var option in o.Options)
            {
                w.WriteUInt16(option.Code);
                w.WriteUInt16((ushort)option.Data.Length);
                w.WriteBytes(option.Data);
            }
        }
        Assert.False(w.Overflow);
        return buf[..w.Position];
    }

    [Fact]
    public void Parse_RandomBytes_ReturnsOrThrowsOnlyDnsFormatException()
    {
        ParseGuard.Within(60_000, () => Gen.Byte.Array[0, 600].Sample(AssertOnlyFormatErrors, iter: 10000));
    }

    [Fact]
    public void Parse_CorruptedValidMessage_ReturnsOrThrowsOnlyDnsFormatException()
    {
        // Random bytes rarely get past the header counts; corrupting real messages reaches names, pointers and RDATA.
        var gen = Gen.Select(MessageGen.Message, Gen.Int[1, 6], Gen.Int[0, int.MaxValue].Array[12], Gen.Byte.Array[12], Gen.Int[0, 100]);
        ParseGuard.Within(60_000, () => gen.Sample(t =>
        {
            var (m, edits, positions, values, cut) = t;
            var bytes = m.ToArray();
            for (var i = 0; i < edits; i++)
            {
                bytes[positions[i] % bytes.Length] = values[i];
            }
            if (cut < 20)
            {
                bytes = bytes[..(positions[11] % bytes.Length)];
            }
            AssertOnlyFormatErrors(bytes);
        }, iter: 5000));
    }

    [Fact]
    public void DnsName_RandomText_ParsesToTextThatParsesBack()
    {
        Gen.String[Gen.Char["ab.\\019 \"()Z"], 0, 80].Sample(text =>
        {
            if (DnsName.TryParse(text, out var name))
            {
                Assert.True(name.WireLength <= 255);
                var again = DnsName.Parse(name.Text);
                Assert.True(again.SpellingEquals(name), $"{text} -> {name.Text} -> {again.Text}");
                Assert.True(DnsName.FromWire(name.Wire).SpellingEquals(name));
            }
        }, iter: 5000);
    }

    [Fact]
    public void CorefileParser_RandomText_ParsesOrThrowsOnlyCorefileExceptionWithLocation()
    {
        var token = Gen.OneOf<string>(".", "example.org", "{", "}", "\n", " ", "\"", "\\\"", "#", "whoami", "log", "import", "(s)", "s", ",", ":53", "10.0.0.0/15", "{$X}", "bogus");
        token.Array[0, 30].Sample(parts =>
        {
            var text = string.Concat(parts);
            try
            {
                CorefileParser.Parse(text, "Corefile", d => d is "whoami" or "log", _ => "env");
            }
            catch (CorefileException e)
            {
                Assert.Matches(@"^Corefile:\d+ - ", e.Message);
            }
        }, iter: 5000);
    }

    private static void AssertOnlyFormatErrors(byte[] bytes)
    {
        // Inline rather than through ParseGuard.Run: the whole sample runs under one time guard, and each input
        // must finish within a second (generous: the CI machine is shared; a loop would never finish).
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Whatever parses must encode to a message that parses back to the same content.
            var m = DnsMessage.Parse(bytes);
            MessageAssert.Equal(m, DnsMessage.Parse(m.ToArray()));
        }
        catch (DnsFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name}: {e.Message}\n{Hex.Format(bytes)}\n{e.StackTrace}");
        }
        var ms = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Assert.True(ms < 1000, $"parse took {ms} ms: {Hex.Format(bytes)}");
    }
}
