using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Loop;
using Dns.Server.Tests.Plugins.Health;
using Dns.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Server.Tests.Plugins.Loop;

public sealed class LoopTests
{
    [Theory]
    [InlineData("loop extra")]
    [InlineData("loop\n loop")]
    [InlineData("loop {\n}")]
    public void Setup_InvalidSyntax_Fails(string directive)
    {
        Assert.Throws<CorefileException>(() => Dns.Testing.PluginHarness.Create(".:53 {\n    " + directive + "\n}\n"));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("example.org.")]
    public void ProbeName_TwoRandomLabelsUnderZone(string zone)
    {
        var n = LoopSetup.ProbeName(zone);
        Assert.Equal(zone == "." ? 2 : 4, n.LabelCount);
        Assert.True(n.IsSubdomainOf(DnsName.Parse(zone)));
        Assert.NotEqual(n, LoopSetup.ProbeName(zone));
    }

    [Fact]
    public async Task Invoke_ProbeSeenThreeTimes_LogsFatalAndExits()
    {
        var exits = new List<int>();
        var plugin = new LoopPlugin(".", DnsName.Parse("1.2."), NullLogger.Instance) { Exit = exits.Add, Address = ":53" };
        for (var i = 0; i < 2; i++)
        {
            await plugin.InvokeAsync(Ctx("1.2.", DnsRecordType.Hinfo), Next);
        }
        Assert.Empty(exits);
        await plugin.InvokeAsync(Ctx("1.2.", DnsRecordType.Hinfo), Next);
        Assert.Equal([1], exits);
    }

    [Theory]
    [InlineData("1.2.", DnsRecordType.A)]
    [InlineData("3.4.", DnsRecordType.Hinfo)]
    public async Task Invoke_OtherQueries_NotCounted(string name, DnsRecordType type)
    {
        var plugin = new LoopPlugin(".", DnsName.Parse("1.2."), NullLogger.Instance) { Exit = _ => Assert.Fail("exit") };
        for (var i = 0; i < 5; i++)
        {
            await plugin.InvokeAsync(Ctx(name, type), Next);
        }
        Assert.Equal(0, plugin.Seen);
    }

    [Fact]
    public async Task Invoke_Disabled_NotCounted()
    {
        var plugin = new LoopPlugin(".", DnsName.Parse("1.2."), NullLogger.Instance) { Exit = _ => Assert.Fail("exit") };
        plugin.Disable();
        for (var i = 0; i < 5; i++)
        {
            await plugin.InvokeAsync(Ctx("1.2.", DnsRecordType.Hinfo), Next);
        }
        Assert.Equal(0, plugin.Seen);
    }

    [Fact]
    public async Task Probe_FailsThenAnswered_RetriesResetsAndDisablesAfterDelay()
    {
        var plugin = new LoopPlugin(".", DnsName.Parse("1.2."), NullLogger.Instance);
        var calls = 0;
        var sent = new List<DnsMessage>();
        var probe = new LoopProbe(plugin, (q, _, _) =>
        {
            sent.Add(q);
            return Task.FromResult(++calls >= 3);
        })
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            DisableDelay = TimeSpan.FromMilliseconds(50),
        };
        await probe.RunAsync(new IPEndPoint(IPAddress.Loopback, 53), CancellationToken.None);
        Assert.Equal(3, calls);
        Assert.All(sent, q => Assert.Equal(new DnsQuestion(DnsName.Parse("1.2."), DnsRecordType.Hinfo, DnsClass.In), q.Question));
        Assert.False(plugin.Disabled);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!plugin.Disabled)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Probe_NeverAnswered_GivesUpAtDeadlineAndDisables()
    {
        var plugin = new LoopPlugin(".", DnsName.Parse("1.2."), NullLogger.Instance);
        var probe = new LoopProbe(plugin, (_, _, _) => Task.FromResult(false))
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            Deadline = TimeSpan.FromMilliseconds(100),
        };
        await probe.RunAsync(new IPEndPoint(IPAddress.Loopback, 53), CancellationToken.None);
        Assert.True(plugin.Disabled);
    }

    [Fact]
    public async Task Server_ForwardingToItself_LoopDetectedFatal()
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registry = BuiltinPlugins.Create().Register(new TestSetup("forward", ctx => ctx.AddPlugin(new SelfForward())));
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    loop\n    forward\n}\n", registry, exit: c => exited.TrySetResult(c));
        var code = await exited.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(1, code);
        await h.WaitForLogAsync("[FATAL] plugin/loop: Loop (127.0.0.1:", TimeSpan.FromSeconds(5));
        Assert.Matches(@"\[FATAL\] plugin/loop: Loop \(127\.0\.0\.1:\d+ -> :0\) detected for zone ""\."", see https://coredns\.io/plugins/loop#troubleshooting\. Query: ""HINFO \d+\.\d+\.""", h.Log);
    }

    [Fact]
    public async Task Server_RealForwardToItself_LoopDetectedFatal()
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (h, port) = await OwnPort.RetryAsync(async p =>
            (await OpsTestHost.StartAsync($".:{p} {{\n    bind 127.0.0.1\n    loop\n    forward . 127.0.0.1:{p}\n}}\n", exit: c => exited.TrySetResult(c)), p));
        await using var hostLifetime = h;
        Assert.Equal(1, await exited.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await h.WaitForLogAsync($"-> 127.0.0.1:{port}) detected for zone \".\"", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Server_NoLoop_ProbeAnsweredAndNoExit()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    loop\n    whoami\n}\n", exit: _ => Assert.Fail("exit"));
        var loop = (LoopPlugin)h.Host.Blocks[0].Plugins[0];
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!loop.Disabled)
        {
            Assert.True(DateTime.UtcNow < deadline, h.Log);
            await Task.Delay(50);
        }
        Assert.Equal(1, loop.Seen);
    }

    private static DnsContext Ctx(string name, DnsRecordType type) =>
        new(DnsMessage.CreateQuery(DnsName.Parse(name), type), DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 4000));

    private static ValueTask Next(DnsContext ctx)
    {
        ctx.Response = ctx.Request.CreateResponse();
        return default;
    }

    /// <summary>A forwarder misconfigured to point at this server: every query comes back (bounded to end the test).</summary>
    private sealed class SelfForward : IDnsPlugin
    {
        private int _hops;

        public string Name => "forward";

        public async ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
        {
            if (Interlocked.Increment(ref _hops) > 6 || context.LocalEndPoint is not IPEndPoint local)
            {
                context.Fail(ResponseCode.ServFail, "plugin/forward: too many hops");
                return;
            }
            var reply = await RawDns.QueryUdpAsync(new IPEndPoint(IPAddress.Loopback, local.Port), context.Request, 1500);
            if (reply is null)
            {
                context.Fail(ResponseCode.ServFail, "plugin/forward: timeout");
                return;
            }
            context.Response = reply;
        }
    }
}
