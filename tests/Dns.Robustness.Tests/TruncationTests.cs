using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.7: replies fit the client's size, TC is set, counts match the records present.</summary>
public sealed class TruncationTests
{
    [Theory]
    [InlineData(null, 512)]
    [InlineData((ushort)1232, 1232)]
    [InlineData((ushort)100, 512)]
    [InlineData((ushort)4096, 1232)]
    public async Task BigAnswer_Udp_FitsLimitWithTcAndConsistentCounts(ushort? ednsSize, int limit)
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query("big200.test.", edit: m =>
        {
            if (ednsSize is { } size)
            {
                m.Opt = new OptRecord { UdpPayloadSize = size };
            }
        });
        var raw = await RawDns.UdpAsync(server.EndPoint, q);
        Assert.NotNull(raw);
        Assert.True(raw.Length <= limit, $"{raw.Length} > {limit}");
        var reply = DnsMessage.Parse(raw);
        Assert.True(reply.Truncated);
        Assert.NotEmpty(reply.Answers);
        Assert.True(reply.Answers.Count < 200);
        Assert.Equal(ednsSize is not null, reply.Opt is not null);
        var independent = ARSoft.Tools.Net.Dns.DnsMessage.Parse(raw);
        Assert.Equal(reply.Answers.Count, independent.AnswerRecords.Count);
        Assert.True(independent.IsTruncated);
    }

    [Fact]
    public async Task BigAnswer_Tcp_CompleteWithoutTc()
    {
        await using var server = await Attack.StartAsync();
        var reply = await RawDns.QueryTcpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("big200.test."), DnsRecordType.A, 9));
        Assert.NotNull(reply);
        Assert.False(reply.Truncated);
        Assert.Equal(200, reply.Answers.Count);
    }

    [Fact]
    public async Task SmallAnswer_Udp_NotTruncated()
    {
        await using var server = await Attack.StartAsync();
        var reply = await RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("big10.test."), DnsRecordType.A, 9));
        Assert.NotNull(reply);
        Assert.False(reply.Truncated);
        Assert.Equal(10, reply.Answers.Count);
    }

    [Fact]
    public async Task Dig_TruncatedUdp_RetriesOverTcpAndGetsAll()
    {
        await using var server = await Attack.StartAsync();
        var udpOnly = await Dig.RunAsync(server.Port, "+ignore", "+noedns", "big200.test", "A");
        Assert.Contains("tc", udpOnly.Flags.Split(' '));
        var retried = await Dig.RunAsync(server.Port, "+noedns", "big200.test", "A");
        Assert.Equal(200, retried.Section("ANSWER").Count);
    }
}
