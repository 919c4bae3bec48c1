using System.Net;
using System.Net.Sockets;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Server.Tests.Hosting;

/// <summary>
/// The UDP replay of kept wire-form replies (ReplayCache): same bytes for the same request, never for a chain or
/// query that is not replay-safe, and stale as soon as the ReplayEpoch moves. The test plugin answers A 10.0.0.N
/// where N counts its invocations, so a replayed reply shows an old N and a chain run a new one.
/// </summary>
[Collection(ReplayEpochCollection.Name)]
public sealed class ReplayTests
{
    [Fact]
    public async Task SafeChain_SameQueryTwice_SecondReplayedWithItsOwnId()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        var first = await ExchangeAsync(server, Query("a.replay.test.", 0x1111));
        var second = await ExchangeAsync(server, Query("a.replay.test.", 0x2222));
        Assert.Equal(1, plugin.Invocations);
        Assert.Equal(0x11, first[0]);
        Assert.Equal(0x22, second[0]);
        Assert.Equal(0x22, second[1]);
        Assert.Equal(first.AsSpan(2).ToArray(), second.AsSpan(2).ToArray());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), Address(second));
    }

    [Fact]
    public async Task SafeChain_EpochAdvanced_ChainRunsAgain()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query("a.replay.test.", 1));
        ReplayEpoch.Advance();
        var after = await ExchangeAsync(server, Query("a.replay.test.", 2));
        Assert.Equal(2, plugin.Invocations);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), Address(after));
    }

    [Fact]
    public async Task UnsafePlugin_EveryQueryRunsTheChain()
    {
        var (registry, plugin) = Registry(safe: false);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query("a.replay.test.", 1));
        var second = await ExchangeAsync(server, Query("a.replay.test.", 2));
        Assert.Equal(2, plugin.Invocations);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), Address(second));
    }

    [Fact]
    public async Task SafePluginBesideUnsafeOne_EveryQueryRunsTheChain()
    {
        // log is not replay-safe: each query must reach it and be logged.
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    log\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query("a.replay.test.", 1));
        await ExchangeAsync(server, Query("a.replay.test.", 2));
        Assert.Equal(2, plugin.Invocations);
    }

    [Theory]
    [InlineData("volatile")] // the plugin calls DisableReplay
    [InlineData("fail")] // SERVFAIL through ctx.Fail
    [InlineData("late")] // a completion callback is registered
    public async Task QueryNotReplayable_EveryQueryRunsTheChain(string label)
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query(label + ".replay.test.", 1));
        await ExchangeAsync(server, Query(label + ".replay.test.", 2));
        Assert.Equal(2, plugin.Invocations);
    }

    [Fact]
    public async Task NxDomain_Replayed()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query("nx.replay.test.", 1));
        var second = DnsMessage.Parse(await ExchangeAsync(server, Query("nx.replay.test.", 2)));
        Assert.Equal(1, plugin.Invocations);
        Assert.Equal(ResponseCode.NxDomain, second.ResponseCode);
        Assert.Equal(2, second.Id);
    }

    [Fact]
    public async Task DifferentRequestBytes_EachRunsTheChainAndKeepsItsSpelling()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        await ExchangeAsync(server, Query("a.replay.test.", 1));
        var upper = DnsMessage.Parse(await ExchangeAsync(server, Query("A.Replay.TEST.", 2)));
        var noRd = await ExchangeAsync(server, Query("a.replay.test.", 3, m => m.RecursionDesired = false));
        var edns = DnsMessage.Parse(await ExchangeAsync(server, Query("a.replay.test.", 4, m => m.Opt = new OptRecord { UdpPayloadSize = 1232 })));
        Assert.Equal(4, plugin.Invocations);
        Assert.Equal("A.Replay.TEST.", upper.Answers[0].Name.Text);
        Assert.Equal("A.Replay.TEST.", upper.Questions[0].Name.Text);
        Assert.Equal(0, noRd[2] & 0x01);
        Assert.NotNull(edns.Opt);
    }

    [Fact]
    public async Task Tcp_NotReplayed()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("replay.test:0 {\n    erratic\n}\n", registry: registry);
        var query = DnsMessage.CreateQuery(DnsName.Parse("a.replay.test."), DnsRecordType.A, 7);
        Assert.NotNull(await RawDns.QueryTcpAsync(server.EndPoint, query));
        Assert.NotNull(await RawDns.QueryTcpAsync(server.EndPoint, query));
        Assert.Equal(2, plugin.Invocations);
    }

    [Fact]
    public async Task Replayed_CountedInRequestMetricsAndPluginCounters()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("metrics.replay.test:0 {\n    prometheus 127.0.0.1:0\n    erratic\n}\n", registry: registry);
        for (var i = 0; i < 3; i++)
        {
            await ExchangeAsync(server, Query("counted.metrics.replay.test.", (ushort)(i + 1)));
        }
        Assert.Equal(1, plugin.Invocations);
        Assert.Equal(3, plugin.Counted.Value);
        var text = MetricsRegistry.Default.Export();
        Assert.Contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:0\",type=\"A\",view=\"\",zone=\"metrics.replay.test.\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_responses_total{plugin=\"erratic\",rcode=\"NOERROR\",server=\"dns://:0\",view=\"\",zone=\"metrics.replay.test.\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_request_duration_seconds_count{server=\"dns://:0\",type=\"A\",view=\"\",zone=\"metrics.replay.test.\"} 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheHit_ReplayedWithinTheSecondAndTtlStillCountsDown()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("cached.replay.test:0 {\n    cache 30\n    erratic\n}\n", registry: registry);
        var first = DnsMessage.Parse(await ExchangeAsync(server, Query("a.cached.replay.test.", 1)));
        var second = DnsMessage.Parse(await ExchangeAsync(server, Query("a.cached.replay.test.", 2)));
        var third = DnsMessage.Parse(await ExchangeAsync(server, Query("a.cached.replay.test.", 3)));
        await Task.Delay(2100);
        var later = DnsMessage.Parse(await ExchangeAsync(server, Query("a.cached.replay.test.", 4)));
        Assert.Equal(1, plugin.Invocations);
        Assert.Equal(30u, first.Answers[0].Ttl);
        Assert.InRange(third.Answers[0].Ttl, 29u, 30u);
        Assert.Equal(second.Answers[0].Ttl, third.Answers[0].Ttl);
        Assert.InRange(later.Answers[0].Ttl, 26u, 28u);
        var text = MetricsRegistry.Default.Export();
        Assert.Contains("coredns_cache_hits_total{server=\"dns://:0\",type=\"success\",zones=\"cached.replay.test.\",view=\"\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("coredns_cache_requests_total{server=\"dns://:0\",zones=\"cached.replay.test.\",view=\"\"} 4", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loadbalance_ReplayedRepliesKeepEveryAddressInFreshOrders()
    {
        var (registry, plugin) = Registry(safe: true);
        await using var server = await TestDnsServer.StartAsync("lb.replay.test:0 {\n    loadbalance\n    erratic\n}\n", registry: registry);
        var orders = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            var reply = DnsMessage.Parse(await ExchangeAsync(server, Query("many.lb.replay.test.", (ushort)(i + 1))));
            var addresses = reply.Answers.ConvertAll(r => ((ARecord)r).Address.ToString());
            Assert.Equal(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4", "10.0.1.5", "10.0.1.6", "10.0.1.7", "10.0.1.8"], addresses.Order());
            Assert.Equal("many.lb.replay.test.", reply.Answers[0].Name.Text);
            orders.Add(string.Join(',', addresses));
        }
        Assert.Equal(1, plugin.Invocations);
        Assert.True(orders.Count > 10, $"only {orders.Count} distinct orders in 40 replies");
    }

    private static byte[] Query(string name, ushort id, Action<DnsMessage>? edit = null)
    {
        var m = DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, id);
        edit?.Invoke(m);
        return m.ToArray();
    }

    private static async Task<byte[]> ExchangeAsync(TestDnsServer server, byte[] query)
    {
        var reply = await RawDns.UdpAsync(server.EndPoint, query);
        Assert.NotNull(reply);
        return reply;
    }

    private static IPAddress Address(byte[] reply) =>
        Assert.IsType<ARecord>(Assert.Single(DnsMessage.Parse(reply).Answers)).Address;

    private static (PluginRegistry Registry, CountingPlugin Plugin) Registry(bool safe)
    {
        var plugin = safe ? new SafeCountingPlugin() : new CountingPlugin();
        var r = BuiltinPlugins.Create();
        r.Register(new CountingSetup(plugin));
        return (r, plugin);
    }

    /// <summary>Answers A 10.0.0.N (N = invocations); labels: nx, fail, volatile, late, counted.</summary>
    private class CountingPlugin : IDnsPlugin
    {
        private int _invocations;

        public string Name => "erratic";

        public int Invocations => Volatile.Read(ref _invocations);

        public Counter Counted { get; } = new();

        public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
        {
            var n = Interlocked.Increment(ref _invocations);
            switch (context.QueryName.GetLabel(0))
            {
                case "nx":
                    var nx = context.Request.CreateResponse();
                    nx.ResponseCode = ResponseCode.NxDomain;
                    context.Response = nx;
                    return default;
                case "fail":
                    context.Fail(ResponseCode.ServFail, "asked to fail");
                    return default;
                case "volatile":
                    context.DisableReplay();
                    break;
                case "late":
                    context.OnCompleted(static _ => { });
                    break;
                case "many":
                    var many = context.Request.CreateResponse();
                    for (var i = 1; i <= 8; i++)
                    {
                        many.Answers.Add(new ARecord(context.QueryName, 30, new IPAddress([10, 0, 1, (byte)i])));
                    }
                    context.Response = many;
                    return default;
                case "counted":
                    Counted.Inc();
                    context.CountOnReplay(Counted);
                    break;
            }
            var reply = context.Request.CreateResponse();
            reply.AuthoritativeAnswer = true;
            reply.Answers.Add(new ARecord(context.QueryName, 30, new IPAddress([10, 0, 0, (byte)n])));
            context.Response = reply;
            return default;
        }
    }

    private sealed class SafeCountingPlugin : CountingPlugin, IReplaySafe
    {
    }

    private sealed class CountingSetup(CountingPlugin plugin) : IPluginSetup
    {
        public string Name => "erratic";

        public void Setup(SetupContext context)
        {
            while (context.Dispenser.Next())
            {
            }
            context.AddPlugin(plugin);
        }
    }
}

/// <summary>Tests that advance the process-wide <see cref="ReplayEpoch"/> or count on replays run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplayEpochCollection
{
    public const string Name = "replay epoch";
}
