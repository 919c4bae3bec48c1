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
