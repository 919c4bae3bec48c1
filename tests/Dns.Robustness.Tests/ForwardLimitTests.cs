using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Metrics;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.12: <c>max_concurrent</c> bounds what a slow upstream can pile up (coredns/coredns#3635), and
/// forwarding to ourselves without the <c>loop</c> plugin is bounded instead of growing until memory runs out
/// (coredns/coredns#1986). The <c>loop</c> plugin's detection of the same Corefile is in Dns.Server.Tests (LoopTests).
/// Counts sockets, so it runs alone.
/// </summary>
[Collection(nameof(SocketCountCollection))]
public sealed class ForwardLimitTests
{
    private static DnsMessage Query(string name, ushort id) => DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, id);

    [Fact]
    public async Task MaxConcurrent10_SlowUpstreamHitBy100_TenForwardedRestRefusedAtOnceAndCounted()
    {
        // q* names take the upstream 2 s; health probes and the query after the burst are answered at once.
        await using var up = FakeUpstream.Start(r => FakeReply.Of(
            FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.1"),
            !r.Query.Question.Name.IsRoot && r.Query.Question.Name.GetLabel(0).StartsWith('q') ? TimeSpan.FromSeconds(2) : TimeSpan.Zero));
        await using var server = await Attack.StartAsync($$"""
            test:0 {
                erratic
            }
            example.org:0 {
                prometheus 127.0.0.1:0
                forward . {{up.Address}} {
                    max_concurrent 10
                    read_timeout 3s
                }
            }
            """);
        using var http = new HttpClient();
        var metricsUrl = $"http://127.0.0.1:{server.Host.HttpPorts["127.0.0.1:0"]}/metrics";
        const string Rejects = "coredns_forward_max_concurrent_rejects_total";
        var before = MetricsText.Sample(await http.GetStringAsync(metricsUrl), Rejects);

        var sw = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            var r = await RawDns.QueryUdpAsync(server.EndPoint, Query($"q{i}.example.org.", (ushort)(1000 + i)), 5000);
            return (Reply: r, Ms: sw.ElapsedMilliseconds);
        }));

        Assert.All(replies, r => Assert.NotNull(r.Reply));
        var ok = replies.Where(r => r.Reply!.ResponseCode == ResponseCode.NoError).ToList();
        var refused = replies.Where(r => r.Reply!.ResponseCode == ResponseCode.Refused).ToList();
        Assert.Equal(10, ok.Count);
        Assert.Equal(90, refused.Count);
        Assert.Equal(10, up.Queries.Count);
        Assert.All(ok, r => Assert.Single(r.Reply!.Answers));
        // Refused at once, not after the upstream's 2 s; the forwarded ones did wait for it.
        Assert.All(refused, r => Assert.True(r.Ms < 1000, $"REFUSED after {r.Ms} ms"));
        Assert.All(ok, r => Assert.True(r.Ms >= 1900, $"NOERROR after {r.Ms} ms"));
        Assert.All(refused, r => Assert.Empty(r.Reply!.Answers));
        var after = MetricsText.Sample(await http.GetStringAsync(metricsUrl), Rejects);
        Assert.Equal(90, after - before);
        // The slots are free again.
        var next = await RawDns.QueryUdpAsync(server.EndPoint, Query("next.example.org.", 7), 5000);
        Assert.Equal(ResponseCode.NoError, next!.ResponseCode);
        await Attack.AssertAliveAsync(server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ForwardToOwnPortWithoutLoopPlugin_ServFailFastAndHopsBounded(bool tcp)
    {
        // The Corefile must name its own port, so take a free one; the server binds it (TCP and UDP, all addresses)
        // right after, and another test's connection may take it in between: then try another.
        var (server, port) = await StartOnOwnPortAsync();
        await using var serverLifetime = server;
        var baseline = Attack.OpenSockets();
        var to = $"127.0.0.1:{port}";
        double Hops() => Exchanges(to, "udp") + Exchanges(to, "tcp");
        var before = Hops();

        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            var q = Query($"loop{i}.example.org.", (ushort)(50 + i));
            var r = tcp ? await RawDns.QueryTcpAsync(server.EndPoint, q, 3000) : await RawDns.QueryUdpAsync(server.EndPoint, q, 3000);
            sw.Stop();
            Assert.NotNull(r);
            Assert.Equal(ResponseCode.ServFail, r.ResponseCode);
            Assert.Equal(50 + i, r.Id);
            Assert.True(sw.ElapsedMilliseconds < 1000, $"SERVFAIL after {sw.ElapsedMilliseconds} ms");
            var hops = Hops() - before;
            before = Hops();
            // Each client query went around our own forwarder a bounded number of times (8), not until memory ran out.
            Assert.InRange(hops, 1, 8);
        }
        // 50 more at once: still bounded, nothing left behind.
        var burst = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => RawDns.QueryUdpAsync(server.EndPoint, Query($"burst{i}.example.org.", (ushort)i), 3000)));
        Assert.All(burst, r => Assert.Equal(ResponseCode.ServFail, r!.ResponseCode));
        Assert.InRange(Hops() - before, 50, 50 * 8);
        // Pooled connections to ourselves expire (300 ms), the per-query UDP sockets are already closed.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Attack.OpenSockets() > baseline + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.InRange(Attack.OpenSockets(), 0, baseline + 2);
        await Attack.AssertAliveAsync(server);
    }

    /// <summary>Exchanges the forwarder started towards <paramref name="to"/> (a new UDP socket or a pooled connection each).</summary>
    private static double Exchanges(string to, string proto)
    {
        var hits = MetricsRegistry.Default.Counter("coredns_proxy_conn_cache_hits_total", "", "proxy_name", "to", "proto").WithLabels("forward", to, proto).Value;
        var misses = MetricsRegistry.Default.Counter("coredns_proxy_conn_cache_misses_total", "", "proxy_name", "to", "proto").WithLabels("forward", to, proto).Value;
        return hits + misses;
    }

    private static Task<(TestDnsServer Server, int Port)> StartOnOwnPortAsync() =>
        OwnPort.RetryAsync(async port => (await Attack.StartAsync($$"""
            test:{{port}} {
                erratic
            }
            example.org:{{port}} {
                forward . 127.0.0.1:{{port}} {
                    expire 300ms
                }
            }
            """), port));
}
