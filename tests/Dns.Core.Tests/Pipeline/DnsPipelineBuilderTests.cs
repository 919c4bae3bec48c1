using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Pipeline;

public sealed class DnsPipelineBuilderTests
{
    private static DnsContext Context() =>
        new(DnsMessage.CreateQuery(DnsName.Parse("example.org."), DnsRecordType.A, 5), DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5353));

    private static List<string> Trace(DnsContext ctx) =>
        (List<string>)(ctx.Items.TryGetValue("trace", out var t) ? t! : ctx.Items["trace"] = new List<string>());

    /// <summary>Records itself, then answers (when told to) or calls the next plugin; optionally yields first.</summary>
    private sealed class TestPlugin(string name, bool answer = false, bool async = false) : IDnsPlugin
    {
        public string Name => name;

        public async ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
        {
            if (async)
            {
                await Task.Yield();
            }
            Trace(context).Add(name);
            if (answer)
            {
                context.Response = context.Request.CreateResponse();
                return;
            }
            await next(context);
            Trace(context).Add("/" + name);
        }
    }

    [Fact]
    public async Task Build_PluginsAddedInAnyOrder_RunInPluginOrder()
    {
        var b = new DnsPipelineBuilder();
        b.Add("forward", new TestPlugin("forward"));
        b.Add("kubernetes", new TestPlugin("kubernetes"));
        b.Add("cache", new TestPlugin("cache"));
        b.Add("errors", new TestPlugin("errors"));
        b.Add("loadbalance", new TestPlugin("loadbalance"));
        Assert.Equal(["errors", "loadbalance", "cache", "kubernetes", "forward"], b.Plugins.Select(p => p.Name));

        var ctx = Context();
        await b.Build()(ctx);
        Assert.Equal(
            ["errors", "loadbalance", "cache", "kubernetes", "forward", "/forward", "/kubernetes", "/cache", "/loadbalance", "/errors"],
            Trace(ctx));
    }

    [Fact]
    public void Add_SeveralPluginsOfOneDirective_KeepTheirOrder()
    {
        var b = new DnsPipelineBuilder();
        b.Add("forward", new TestPlugin("f1"));
        b.Add("log", new TestPlugin("log"));
        b.Add("forward", new TestPlugin("f2"));
        Assert.Equal(["log", "f1", "f2"], b.Plugins.Select(p => p.Name));
    }

    [Fact]
    public void Add_UnknownDirective_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new DnsPipelineBuilder().Add("bogus", new TestPlugin("bogus")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Build_NobodyAnswers_EndOfChainIsServFail(bool async)
    {
        var b = new DnsPipelineBuilder();
        b.Add("whoami", new TestPlugin("whoami", async: async));
        b.Add("log", new TestPlugin("log", async: async));
        var ctx = Context();
        await b.Build()(ctx);
        Assert.NotNull(ctx.Response);
        Assert.Equal(ResponseCode.ServFail, ctx.Response.ResponseCode);
        Assert.Equal(ctx.Request.Id, ctx.Response.Id);
        Assert.Equal("plugin/whoami: no next plugin found", ctx.Error);
    }

    [Fact]
    public async Task Build_EmptyPipeline_IsServFail()
    {
        var ctx = Context();
        await new DnsPipelineBuilder().Build()(ctx);
        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Equal("plugin/server: no next plugin found", ctx.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Build_PluginAnswers_IsRecordedAsResponsePluginAndLaterPluginsDoNotRun(bool async)
    {
        var b = new DnsPipelineBuilder();
        b.Add("errors", new TestPlugin("errors", async: async));
        b.Add("cache", new TestPlugin("cache", async: async));
        b.Add("hosts", new TestPlugin("hosts", answer: true, async: async));
        b.Add("forward", new TestPlugin("forward", async: async));
        var ctx = Context();
        await b.Build()(ctx);
        Assert.Equal("hosts", ctx.ResponsePlugin);
        Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
        Assert.Equal(["errors", "cache", "hosts", "/cache", "/errors"], Trace(ctx));
    }
}
