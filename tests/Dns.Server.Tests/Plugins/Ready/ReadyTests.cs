using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Plugins.Ready;
using Dns.Server.Tests.Plugins.Health;

namespace Dns.Server.Tests.Plugins.Ready;

public sealed class ReadyTests
{
    [Theory]
    [InlineData("ready", ":8181", false)]
    [InlineData("ready localhost:8091", "localhost:8091", false)]
    [InlineData("ready {\n monitor continuously\n}", ":8181", true)]
    [InlineData("ready :0 {\n monitor until-ready\n}", ":0", false)]
    public void Parse_ValidSyntax_ReturnsOptions(string directive, string address, bool continuously)
    {
        var o = ReadySetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "ready"));
        Assert.Equal(new ReadyOptions(address, continuously), o);
    }

    [Theory]
    [InlineData("ready 8181", "missing port in address")]
    [InlineData("ready :1 :2", "Wrong argument count")]
    [InlineData("ready\n ready", "only be used once per Server Block")]
    [InlineData("ready {\n monitor sometimes\n}", "monitor type 'sometimes' not supported")]
    [InlineData("ready {\n monitor\n}", "Wrong argument count")]
    [InlineData("ready {\n foo\n}", "unknown property 'foo'")]
    public void Parse_InvalidSyntax_FailsWithReason(string directive, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => ReadySetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "ready")));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracker_UntilReady_StopsAskingOnceReady()
    {
        var a = new Check("kubernetes") { Ready = true };
        var b = new Check("erratic");
        var t = new ReadinessTracker([a, b], continuously: false);
        Assert.False(t.Check(out var names));
        Assert.Equal("erratic", names);
        a.Ready = false;
        Assert.False(t.Check(out names));
        Assert.Equal("erratic", names);
        b.Ready = true;
        Assert.True(t.Check(out names));
        Assert.Equal("", names);
    }

    [Fact]
    public void Tracker_Continuously_ReportsRegression()
    {
        var a = new Check("kubernetes") { Ready = true };
        var t = new ReadinessTracker([a], continuously: true);
        Assert.True(t.Check(out _));
        a.Ready = false;
        Assert.False(t.Check(out var names));
        Assert.Equal("kubernetes", names);
    }

    [Fact]
    public void Tracker_SeveralNotReady_SortedCommaSeparatedOnce()
    {
        var t = new ReadinessTracker([new Check("zeta"), new Check("alpha"), new Check("zeta")], continuously: false);
        Assert.False(t.Check(out var names));
        Assert.Equal("alpha,zeta", names);
    }

    [Fact]
    public async Task Get_Ready_FollowsChecksOfBlocksThatEnableReady()
    {
        var check = new Check("erratic");
        var other = new Check("never");
        var registry = BuiltinPlugins.Create().Register(new TestSetup("erratic", ctx =>
        {
            ctx.AddReadinessCheck(ctx.Zones[0] == "a.org." ? check : other);
            ctx.AddPlugin(new PassThrough());
        }));
        await using var h = await OpsTestHost.StartAsync(
            "a.org:0 {\n    ready 127.0.0.1:0\n    erratic\n}\nb.org:0 {\n    erratic\n}\n", registry);
        Assert.Equal((503, "erratic"), await h.GetAsync("127.0.0.1:0", "/ready"));
        Assert.Contains("[INFO] plugin/ready: Plugins not ready: \"erratic\"", h.Log, StringComparison.Ordinal);
        check.Ready = true;
        Assert.Equal((200, "OK"), await h.GetAsync("127.0.0.1:0", "/ready"));
    }

    private sealed class Check(string name) : IReadinessCheck
    {
        public string Name { get; } = name;

        public bool Ready { get; set; }

        public bool IsReady => Ready;
    }

    private sealed class PassThrough : IDnsPlugin
    {
        public string Name => "erratic";

        public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next) => next(context);
    }
}
