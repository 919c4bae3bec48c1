using System.Diagnostics;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.11 through the real server, for the upstream behaviours the forward tests only cover at the
/// plugin: a) silent, e) TC=1 (passed through, as CoreDNS does), f) TCP reset. Wrong ID, wrong question and garbage
/// are in Dns.Plugins.Forward.Tests (ForwardRelayTests).
/// </summary>
public sealed class ForwardHostileUpstreamTests
{
    private const int ReadTimeoutMs = 250;

    private static DnsMessage Query(string name, ushort id = 0x6001) => DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, id);

    private static FakeReply Answer(FakeRequest r, int records = 1)
    {
        var m = FakeReply.Answer(r.Query);
        for (var i = 1; i <= records; i++)
        {
            m.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.{i}"));
        }
        return FakeReply.Of(m);
    }

    /// <summary>Health probes (<c>. NS</c>) are answered, so only the scripted queries fail.</summary>
    private static bool IsProbe(FakeRequest r) => r.Query.Question.Name.IsRoot;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SilentUpstream_ServFailWithinReadTimeoutPerAttempt(bool tcp)
    {
        await using var up = FakeUpstream.Start(r => IsProbe(r) ? Answer(r) : FakeReply.Drop);
        await using var server = await Attack.StartForwardAsync(up, $"read_timeout {ReadTimeoutMs}ms");

        var sw = Stopwatch.StartNew();
        var r = tcp
            ? await RawDns.QueryTcpAsync(server.EndPoint, Query("silent.example.org."), 5000)
            : await RawDns.QueryUdpAsync(server.EndPoint, Query("silent.example.org."), 5000);
        sw.Stop();

        Assert.NotNull(r);
        Assert.Equal(ResponseCode.ServFail, r.ResponseCode);
        Assert.Equal(0x6001, r.Id);
        Assert.Empty(r.Answers);
        // Two attempts (2 x upstreams) of read_timeout each, far inside the 5 s deadline (slack for a loaded machine).
        var attempts = up.Queries.Count;
        Assert.Equal(2, attempts);
        Assert.All(up.Queries, q => Assert.Equal(tcp, q.Tcp));
        Assert.InRange(sw.ElapsedMilliseconds, ReadTimeoutMs * attempts - 20, (ReadTimeoutMs * attempts) + 1000);
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task TruncatingUpstream_UdpClientGetsTcAsIs_TcpClientGetsAll()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            if (r.Tcp)
            {
                return Answer(r, 60);
            }
            var partial = FakeReply.Answer(r.Query);
            partial.Truncated = true;
            partial.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.1"));
            partial.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.2"));
            return FakeReply.Of(partial);
        });
        await using var server = await Attack.StartForwardAsync(up, "max_fails 0");

        var udp = await RawDns.QueryUdpAsync(server.EndPoint, Query("tc.example.org."));
        var tcp = await RawDns.QueryTcpAsync(server.EndPoint, Query("tc.example.org.", 0x6002));

        // CoreDNS forward relays the upstream's reply as it is: TC=1 and the records it carried; the client retries over TCP.
        Assert.NotNull(udp);
        Assert.True(udp.Truncated);
        Assert.Equal(ResponseCode.NoError, udp.ResponseCode);
        Assert.Equal(2, udp.Answers.Count);
        Assert.NotNull(tcp);
        Assert.False(tcp.Truncated);
        Assert.Equal(60, tcp.Answers.Count);
        Assert.Equal(0x6002, tcp.Id);
        Assert.Equal([false, true], up.Queries.Select(q => q.Tcp));
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task OverflowingUpstream_UdpClientGetsEmptyTcReply()
    {
        // A TC=1 reply whose records do not fit the datagram: header counts promise more than the bytes hold.
        await using var up = FakeUpstream.Start(r =>
        {
            if (r.Tcp)
            {
                return Answer(r, 3);
            }
            var m = FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 10.0.0.1", $"{r.Query.Question.Name.Text} 60 IN A 10.0.0.2");
            m.Truncated = true;
            return FakeReply.Raw(m.ToArray()[..^6]);
        });
        await using var server = await Attack.StartForwardAsync(up, "max_fails 0");

        var udp = await RawDns.QueryUdpAsync(server.EndPoint, Query("overflow.example.org."));

        // CoreDNS (proxy/connect.go): an overflowing UDP reply becomes an empty TC=1 reply, so the client retries over TCP.
        Assert.NotNull(udp);
        Assert.True(udp.Truncated);
        Assert.Empty(udp.Answers);
        Assert.Equal("overflow.example.org.", udp.Question.Name.Text);
        var r = await Dig.RunAsync(server.Port, "overflow.example.org", "A");
        Assert.Contains("Truncated, retrying in TCP mode", r.Output, StringComparison.Ordinal);
        Assert.Equal(3, r.Section("ANSWER").Count);
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task ResettingTcpUpstream_ServFailThenNextQueryReconnects()
    {
        var reset = true;
        await using var up = FakeUpstream.Start(r => r.Tcp && Volatile.Read(ref reset) ? FakeReply.Rst : Answer(r));
        await using var server = await Attack.StartForwardAsync(up);

        var sw = Stopwatch.StartNew();
        var failed = await RawDns.QueryTcpAsync(server.EndPoint, Query("reset.example.org."), 5000);
        sw.Stop();
        Assert.NotNull(failed);
        Assert.Equal(ResponseCode.ServFail, failed.ResponseCode);
        // A reset is an immediate error, not a timeout.
        Assert.True(sw.ElapsedMilliseconds < 1000, $"{sw.ElapsedMilliseconds} ms");
        var accepts = up.TcpAccepts;
        Assert.True(accepts >= 1);

        Volatile.Write(ref reset, false);
        var ok = await RawDns.QueryTcpAsync(server.EndPoint, Query("after.example.org.", 0x6003), 5000);

        Assert.NotNull(ok);
        Assert.Equal(ResponseCode.NoError, ok.ResponseCode);
        Assert.Single(ok.Answers);
        Assert.Equal(accepts + 1, up.TcpAccepts);
        await Attack.AssertAliveAsync(server);
    }
}
