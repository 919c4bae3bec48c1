using System.Diagnostics;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

/// <summary>
/// Malformed packets (robustness §5.5–5.6, Unbound's test_packets): each must end in <see cref="DnsFormatException"/>
/// and nothing else, quickly.
/// </summary>
public sealed class HostilePacketTests
{
    // Query header: ID 1, RD, QDCOUNT 1.
    private const string Q1 = "00 01 01 00 00 01 00 00 00 00 00 00";

    public static TheoryData<string, string> Packets => new()
    {
        { "empty", "" },
        { "11 bytes", "00 01 01 00 00 01 00 00 00 00 00" },
        { "pointer to itself", Q1 + " c0 0c 00 01 00 01" },
        { "pointer to itself after a label", Q1 + " 01 61 c0 0c 00 01 00 01" },
        {
            "two pointers to each other (answer 1 -> answer 2 -> answer 1)",
            "00 01 81 00 00 00 00 02 00 00 00 00"
            + " c0 18 00 10 00 01 00 00 00 00 00 00"
            + " c0 0c 00 10 00 01 00 00 00 00 00 00"
        },
        { "forward pointer", Q1 + " c0 12 00 01 00 01 01 61 00" },
        { "pointer into the header", Q1 + " c0 02 00 01 00 01" },
        {
            "pointer past the end",
            "00 01 81 00 00 01 00 01 00 00 00 00 01 61 00 00 01 00 01"
            + " c0 ff 00 01 00 01 00 00 00 00 00 04 01 02 03 04"
        },
        { "pointer cut short", Q1 + " 01 61 c0" },
        { "label length 64", Q1 + " 40 " + string.Concat(Enumerable.Repeat("61 ", 64)) + "00 00 01 00 01" },
        { "label type 0x40 (extended label)", Q1 + " 41 00 00 01 00 01" },
        { "label type 0x80", Q1 + " 81 61 00 00 01 00 01" },
        { "256-octet name", Q1 + " " + Name256() + " 00 01 00 01" },
        { "256-octet name through pointers", LongCompressedName() },
        { "question cut mid-label", Q1 + " 07 65 78 61" },
        { "question without type and class", Q1 + " 01 61 00" },
        { "question cut in class", Q1 + " 01 61 00 00 01 00" },
        {
            "RDLENGTH past the end",
            "00 01 81 00 00 00 00 01 00 00 00 00 00 00 01 00 01 00 00 00 00 00 10 01 02 03 04"
        },
        { "counts larger than data (ancount 3, no data)", "00 01 81 00 00 00 00 03 00 00 00 00" },
        { "qdcount 2 with one question", "00 01 01 00 00 02 00 00 00 00 00 00 01 61 00 00 01 00 01" },
        {
            "two OPT records",
            "00 01 01 00 00 00 00 00 00 00 00 02 00 00 29 04 d0 00 00 00 00 00 00 00 00 29 04 d0 00 00 00 00 00 00"
        },
        { "OPT with a non-root owner", "00 01 01 00 00 00 00 00 00 00 00 01 01 61 00 00 29 04 d0 00 00 00 00 00 00" },
        { "OPT in the answer section", "00 01 01 00 00 00 00 01 00 00 00 00 00 00 29 04 d0 00 00 00 00 00 00" },
        { "OPT in the authority section", "00 01 01 00 00 00 00 00 00 01 00 00 00 00 29 04 d0 00 00 00 00 00 00" },
        { "OPT RDLENGTH past the end", "00 01 01 00 00 00 00 00 00 00 00 01 00 00 29 04 d0 00 00 00 00 00 08 00 0a 00" },
        { "EDNS option past the OPT RDATA", "00 01 01 00 00 00 00 00 00 00 00 01 00 00 29 04 d0 00 00 00 00 00 06 00 0a 00 08 01 02" },
        { "trailing garbage", Q1 + " 01 61 00 00 01 00 01 ff ff" },
        { "A with RDLENGTH 5", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 01 00 01 00 00 00 00 00 05 01 02 03 04 05" },
        { "AAAA with RDLENGTH 4", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 1c 00 01 00 00 00 00 00 04 01 02 03 04" },
        { "CNAME target past RDATA", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 05 00 01 00 00 00 00 00 02 01 61 00 00" },
        { "CNAME with spare RDATA", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 05 00 01 00 00 00 00 00 03 00 00 00" },
        { "MX without exchange", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 0f 00 01 00 00 00 00 00 02 00 0a" },
        { "SRV cut in port", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 21 00 01 00 00 00 00 00 05 00 01 00 02 00" },
        { "SOA without numbers", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 06 00 01 00 00 00 00 00 06 00 00 00 00 00 01" },
        { "TXT string past RDATA", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 10 00 01 00 00 00 00 00 02 05 61" },
        { "HINFO with one string", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 0d 00 01 00 00 00 00 00 02 01 61" },
        { "record cut in TTL", "00 01 81 00 00 00 00 01 00 00 00 00 00 00 01 00 01 00 00" },
    };

    [Theory]
    [MemberData(nameof(Packets))]
    public void Parse_HostilePacket_ThrowsDnsFormatExceptionQuickly(string scenario, string hex)
    {
        var bytes = Hex.Parse(hex);
        var sw = Stopwatch.StartNew();
        var error = ParseGuard.Run(bytes);
        sw.Stop();
        Assert.True(error is DnsFormatException, $"{scenario}: expected DnsFormatException, got {error?.GetType().Name ?? "no exception"}: {error?.Message}");
        Assert.True(sw.ElapsedMilliseconds < 2000, $"{scenario}: took {sw.ElapsedMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void TryReadFirstQuestion_HostilePacket_NeverThrows(string scenario, string hex)
    {
        _ = scenario;
        var ok = DnsMessageReader.TryReadFirstQuestion(Hex.Parse(hex), out var q);
        Assert.Equal(ok, q is not null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(11)]
    public void Parse_ShorterThanHeader_IsFormatErrorAndHasNoQuestion(int length)
    {
        var bytes = Hex.Parse("00 01 01 00 00 01 00 00 00 00 00 00")[..length];
        Assert.IsType<DnsFormatException>(ParseGuard.Run(bytes));
        Assert.False(DnsHeader.TryRead(bytes, out _));
        Assert.False(DnsMessageReader.TryReadFirstQuestion(bytes, out _));
    }

    [Fact]
    public void TryReadFirstQuestion_BrokenLaterSections_StillGivesTheQuestion()
    {
        // What a FORMERR reply echoes: the question survives an answer section that does not parse.
        var bytes = Hex.Parse(Q1.Replace("00 00 00 00 00 00", "00 02 00 00 00 00", StringComparison.Ordinal) + " 01 61 00 00 01 00 01 c0 0c 00 01");
        Assert.IsType<DnsFormatException>(ParseGuard.Run(bytes));
        Assert.True(DnsMessageReader.TryReadFirstQuestion(bytes, out var q));
        Assert.Equal("a.", q!.Name.Text);
        Assert.Equal(DnsRecordType.A, q.Type);
    }

    [Fact]
    public void Parse_ValidChainOfBackwardPointers_IsAccepted()
    {
        // a.b. @12, then c.<ptr a.b.> @21 in the answer, then <ptr c.a.b.> in the RDATA: each pointer goes further back.
        var bytes = Hex.Parse("""
            00 01 81 00 00 01 00 01 00 00 00 00
            01 61 01 62 00 00 01 00 01
            01 63 c0 0c 00 05 00 01 00 00 00 00 00 02 c0 15
            """);
        var m = DnsMessage.Parse(bytes);
        Assert.Equal("c.a.b.", m.Answers[0].Name.Text);
        Assert.Equal("c.a.b.", ((CnameRecord)m.Answers[0]).Target.Text);
    }

    [Fact]
    public void Parse_NameOf255Octets_IsAccepted()
    {
        var m = DnsMessage.Parse(Hex.Parse(Q1 + " " + Name255() + " 00 01 00 01"));
        Assert.Equal(255, m.Question.Name.WireLength);
    }

    private static string Label(int length, string fill = "61") =>
        length.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + " " + string.Concat(Enumerable.Repeat(fill + " ", length));

    // 3 x (1+63) + (1+62) + root = 256 octets.
    private static string Name256() => Label(63) + Label(63) + Label(63) + Label(62) + "00";

    // 3 x (1+63) + (1+61) + root = 255 octets.
    private static string Name255() => Label(63) + Label(63) + Label(63) + Label(61) + "00";

    // The question holds a 255-octet name; an answer prepends a 1-octet label through a pointer: 257 octets.
    private static string LongCompressedName() =>
        "00 01 81 00 00 01 00 01 00 00 00 00 " + Name255() + " 00 01 00 01"
        + " 01 62 c0 0c 00 01 00 01 00 00 00 00 00 04 01 02 03 04";
}

/// <summary>Runs the parser on another thread so a hang fails the test instead of the run.</summary>
internal static class ParseGuard
{
    public static Exception? Run(byte[] bytes, int timeoutMs = 5000)
    {
        var task = Task.Run(() =>
        {
            try
            {
                DnsMessage.Parse(bytes);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        if (!task.Wait(timeoutMs))
        {
            throw new TimeoutException($"parse did not finish within {timeoutMs} ms: {Hex.Format(bytes)}");
        }
        return task.Result;
    }

    /// <summary>Runs <paramref name="action"/> (a whole property run) and fails if it does not finish in time.</summary>
    public static void Within(int timeoutMs, Action action)
    {
        var task = Task.Run(action);
        if (!task.Wait(timeoutMs))
        {
            throw new TimeoutException($"did not finish within {timeoutMs} ms");
        }
    }
}
