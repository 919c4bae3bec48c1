using System.Diagnostics;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.5-5.6. The documented rule: a packet whose header can be read and that is a query, but whose
/// body cannot be parsed (names, records, OPT placement, trailing bytes), gets a header-only FORMERR.
/// </summary>
public sealed class MalformedPacketTests
{
    private const string Header = "ABCD 0100 0001 0000 0000 0000";

    public static TheoryData<string, string> Names => new()
    {
        { "pointer to itself", Header + "C00C 0001 0001" },
        { "pointers to each other", Header + "C00E C00C 0001 0001" },
        { "forward pointer", Header + "C010 0001 0001 0161 00" },
        { "pointer into header", Header + "0361 6263 C002 0001 0001" },
        { "pointer past end", Header + "C0FF 0001 0001" },
        { "label length 64 (type 0x40)", Header + "40" + new string('6', 128) + "00 0001 0001" },
        { "label type 0x80", Header + "8161 00 0001 0001" },
        { "name of 256 octets", Header + string.Concat(Enumerable.Repeat("3F" + new string('6', 126), 4)) + "03616263 00 0001 0001" },
        { "question cut mid-label", Header + "0561 62" },
        { "question without type", Header + "0161 00" },
    };

    public static TheoryData<string, string> Structures => new()
    {
        { "OPT rdlength past end", "ABCD 0100 0001 0000 0000 0001 0161 00 0001 0001 00 0029 1000 00000000 0010 0001" },
        { "two OPT records", "ABCD 0100 0001 0000 0000 0002 0161 00 0001 0001 00 0029 1000 00000000 0000 00 0029 1000 00000000 0000" },
        { "OPT with non-root owner", "ABCD 0100 0001 0000 0000 0001 0161 00 0001 0001 0161 00 0029 1000 00000000 0000" },
        { "OPT in answer section", "ABCD 0100 0001 0001 0000 0000 0161 00 0001 0001 00 0029 1000 00000000 0000" },
        { "trailing garbage", "ABCD 0100 0001 0000 0000 0000 0161 00 0001 0001 DEADBEEF" },
        { "answer count without data", "ABCD 0100 0001 0001 0000 0000 0161 00 0001 0001" },
        { "A record with rdlength 5", "ABCD 0100 0001 0001 0000 0000 0161 00 0001 0001 C00C 0001 0001 00000000 0005 0102030405" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    [MemberData(nameof(Structures))]
    public async Task MalformedBody_HeaderOnlyFormErrFastAndServerAlive(string what, string hex)
    {
        await using var server = await Attack.StartAsync();
        var sw = Stopwatch.StartNew();
        var raw = await RawDns.UdpAsync(server.EndPoint, Attack.Hex(hex), 1000);
        sw.Stop();
        Assert.True(raw is not null, what);
        Assert.Equal(12, raw.Length);
        var reply = DnsMessage.Parse(raw);
        Assert.Equal(ResponseCode.FormErr, reply.ResponseCode);
        Assert.Equal(0xABCD, reply.Id);
        Assert.True(sw.ElapsedMilliseconds < 500, $"{what}: {sw.ElapsedMilliseconds} ms");
        Assert.DoesNotContain("panic", server.Log, StringComparison.OrdinalIgnoreCase);
        await Attack.AssertAliveAsync(server);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task MalformedBody_OverTcp_AnsweredOrClosedAndServerAlive(string what, string hex)
    {
        await using var server = await Attack.StartAsync();
        using var s = await Attack.ConnectAsync(server);
        await s.SendAsync(Attack.Frame(Attack.Hex(hex)));
        var reply = await Attack.ReadFrameAsync(s);
        Assert.True(reply is not null, what);
        Assert.Equal(ResponseCode.FormErr, reply.ResponseCode);
        await Attack.AssertAliveAsync(server);
    }
}
