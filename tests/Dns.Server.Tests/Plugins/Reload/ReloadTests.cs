using Dns.Core.Corefile;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Reload;
using Dns.Server.Tests.Plugins.Health;
using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Reload;

public sealed class ReloadTests
{
    [Theory]
    [InlineData("reload", 30_000, 15_000)]
    [InlineData("reload 10s", 10_000, 5_000)]
    [InlineData("reload 2s 1s", 2_000, 1_000)]
    [InlineData("reload 1m 5s", 60_000, 5_000)]
    [InlineData("reload 4s 3s", 4_000, 2_000)]
    public void Parse_ValidSyntax_ReturnsIntervalAndCappedJitter(string directive, int intervalMs, int jitterMs)
    {
        var o = ReloadSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "reload"));
        Assert.Equal(TimeSpan.FromMilliseconds(intervalMs), o.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(jitterMs), o.Jitter);
    }

    [Theory]
    [InlineData("reload 1s", "interval value must be greater or equal to 2s")]
    [InlineData("reload 10s 500ms", "jitter value must be greater or equal to 1s")]
    [InlineData("reload 10s 0s", "jitter value must be greater or equal to 1s")]
    [InlineData("reload ten", "invalid duration \"ten\"")]
    [InlineData("reload 10s 5s 1s", "Wrong argument count")]
    public void Parse_InvalidSyntax_FailsWithReason(string directive, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => ReloadSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "reload")));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_ManyDraws_StayWithinHalfJitter()
    {
        var o = new ReloadOptions(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15));
        var r = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var p = o.Pick(r);
            Assert.InRange(p, TimeSpan.FromSeconds(22.5), TimeSpan.FromSeconds(37.5));
        }
    }

    [Fact]
    public void Hash_IsSha512Hex()
    {
        Assert.Equal(
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            ReloadWatcher.Hash(""));
    }

    [Fact]
    public async Task Start_WithReload_LogsRunningHashAndVersionMetric()
    {
        const string corefile = ".:0 {\n    reload\n    whoami\n}\n";
        await using var h = await OpsTestHost.StartAsync(corefile);
        var hash = ReloadWatcher.Hash(corefile);
        Assert.Contains("[INFO] plugin/reload: Running configuration SHA512 = " + hash, h.Log, StringComparison.Ordinal);
        Assert.Contains($"coredns_reload_version_info{{hash=\"sha512\",value=\"{hash}\"}} 1", h.Metrics.Export(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_SamePort_KeepsSocketAndSwitchesChain()
    {
        await using var h = await OpsTestHost.StartAsync("example.org:0 {\n    whoami\n}\n");
        var port = h.Port;
        Assert.Equal(ResponseCode.Refused, (await Query(h, port, "a.example.net."))!.ResponseCode);
        await h.Host.ReloadAsync("example.org:0 example.net:0 {\n    whoami\n}\n");
        Assert.Equal(port, h.Port);
        Assert.Equal(ResponseCode.NoError, (await Query(h, port, "a.example.net."))!.ResponseCode);
        Assert.Contains("[INFO] Reloading complete", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReloadAsync_PortChanged_OpensNewPortAndClosesOld()
    {
        await using var h = await OpsTestHost.StartAsync("example.org:0 {\n    whoami\n}\n");
        var oldPort = h.Port;
        var newPort = await OwnPort.RetryAsync(async p =>
        {
            await h.Host.ReloadAsync($"example.org:{p} {{\n    whoami\n}}\n");
            return p;
        });
        Assert.Equal(newPort, h.Port);
        Assert.Equal(ResponseCode.NoError, (await Query(h, newPort, "a.example.org."))!.ResponseCode);
        DnsMessage? old;
        try
        {
            old = await Query(h, oldPort, "a.example.org.", 300);
        }
        catch (System.Net.Sockets.SocketException)
        {
            old = null;
        }
        Assert.Null(old);
    }

    [Fact]
    public async Task ReloadAsync_NewPortInUse_KeepsOldConfig()
    {
        await using var h = await OpsTestHost.StartAsync("example.org:0 {\n    whoami\n}\n");
        using var blocker = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Any, 0));
        var taken = ((System.Net.IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var before = h.Host.Instance;
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Host.ReloadAsync($"example.org:{taken} {{\n    whoami\n}}\n"));
        Assert.Same(before, h.Host.Instance);
        Assert.Equal(ResponseCode.NoError, (await Query(h, h.Port, "a.example.org."))!.ResponseCode);
    }

    [Fact]
    public async Task ReloadAsync_BrokenCorefile_KeepsOldConfigAndThrows()
    {
        await using var h = await OpsTestHost.StartAsync("example.org:0 {\n    whoami\n}\n");
        var before = h.Host.Instance;
        await Assert.ThrowsAsync<CorefileException>(() => h.Host.ReloadAsync("example.org:0 {\n    whoami extra\n}\n"));
        Assert.Same(before, h.Host.Instance);
        Assert.Equal(ResponseCode.NoError, (await Query(h, h.Port, "a.example.org."))!.ResponseCode);
    }

    [Fact]
    public async Task ReloadAsync_HealthOnSameAddress_KeepsHttpListener()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        var port = h.HttpPort("127.0.0.1:0");
        await h.Host.ReloadAsync(".:0 {\n    health 127.0.0.1:0\n    prometheus 127.0.0.1:0\n    whoami\n}\n");
        Assert.Equal(port, h.HttpPort("127.0.0.1:0"));
        Assert.Equal((200, "OK"), await Http.GetAsync(port, "/health"));
        Assert.Equal(200, (await Http.GetAsync(port, "/metrics")).Status);
    }

    [Fact]
    public async Task ReloadAsync_HealthRemoved_ClosesHttpListener()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        await h.Host.ReloadAsync(".:0 {\n    whoami\n}\n");
        Assert.Empty(h.Host.HttpPorts);
    }

    [Fact]
    public async Task ReloadAsync_QueryInFlightInOldChain_FinishesOnLivePlugins()
    {
        var registry = BuiltinPlugins.Create().Register(new TestSetup("erratic", ctx =>
        {
            var plugin = new SlowPlugin();
            ctx.AddPlugin(plugin);
            ctx.OnShutdown(_ =>
            {
                plugin.Stopped = true;
                return Task.CompletedTask;
            });
        }));
        await using var h = await OpsTestHost.StartAsync("example.org:0 {\n    erratic\n}\n", registry, reloadGrace: TimeSpan.FromSeconds(1));
        var inFlight = Query(h, h.Port, "a.example.org.", 3000);
        await Task.Delay(50);
        await h.Host.ReloadAsync("example.org:0 {\n    erratic\n    whoami\n}\n");
        Assert.Equal(ResponseCode.NoError, (await inFlight)!.ResponseCode);
    }

    private sealed class SlowPlugin : Dns.Core.Pipeline.IDnsPlugin
    {
        public volatile bool Stopped;

        public string Name => "erratic";

        public async ValueTask InvokeAsync(Dns.Core.Pipeline.DnsContext context, Dns.Core.Pipeline.DnsRequestDelegate next)
        {
            await Task.Delay(300);
            if (Stopped)
            {
                context.Fail(ResponseCode.ServFail, "plugin/erratic: stopped under a query");
                return;
            }
            context.Response = context.Request.CreateResponse();
        }
    }

    private static Task<DnsMessage?> Query(OpsTestHost h, int port, string name, int timeoutMs = 1000) =>
        RawDns.QueryUdpAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A), timeoutMs);
}
