using Dns.Core.Pipeline;

namespace Dns.Core.Tests.Pipeline;

public sealed class PluginOrderTests
{
    // Reference §4.4: CoreDNS plugin.cfg at 4b26cce.
    private const string PluginCfg = """
        root metadata geoip cancel proxyproto quic grpc_server https https3 timeouts multisocket reload nsid bufsize
        bind debug trace ready health pprof shed prometheus errors log dnstap local dns64 any chaos loadbalance tsig
        rewrite autopath acl cache header dnssec tls minimal template transfer hosts route53 azure clouddns k8s_external
        kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad
        """;

    [Fact]
    public void Directives_Always_AreCoreDnsPluginCfgOrder()
    {
        Assert.Equal(PluginCfg.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), PluginOrder.Directives);
    }

    [Fact]
    public void BuiltinPlugins_EveryRegisteredDirective_IsInPluginOrder()
    {
        var registry = Dns.Server.BuiltinPlugins.Create();
        var names = registry.Names.ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(PluginOrder.IndexOf(n) >= 0, n));
        // Names come out in execution order.
        Assert.Equal(names.OrderBy(PluginOrder.IndexOf), names);
    }

    [Fact]
    public void IndexOf_UnknownDirective_IsMinusOne()
    {
        Assert.Equal(-1, PluginOrder.IndexOf("bogus"));
        Assert.Equal(0, PluginOrder.IndexOf("root"));
        Assert.True(PluginOrder.IndexOf("cache") < PluginOrder.IndexOf("kubernetes"));
        Assert.True(PluginOrder.IndexOf("kubernetes") < PluginOrder.IndexOf("forward"));
    }

    [Fact]
    public void Register_DirectiveOutsidePluginOrder_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new PluginRegistry().Register(new FakeSetup("bogus")));
        var r = new PluginRegistry().Register(new FakeSetup("whoami"));
        Assert.True(r.Contains("whoami"));
        Assert.Equal("whoami", r.Get("whoami").Name);
    }

    private sealed class FakeSetup(string name) : IPluginSetup
    {
        public string Name => name;

        public void Setup(SetupContext context)
        {
        }
    }

    [Fact]
    public void LazyRegistration_SetupCreatedOnFirstUseOnly()
    {
        var created = 0;
        var registry = new PluginRegistry().Register("whoami", () =>
        {
            created++;
            return new NamedSetup("whoami");
        });
        Assert.True(registry.Contains("whoami"));
        Assert.Equal(["whoami"], registry.Names.ToList());
        Assert.Equal(0, created);
        var first = registry.Get("whoami");
        Assert.Same(first, registry.Get("whoami"));
        Assert.Equal(1, created);

        var wrong = new PluginRegistry().Register("log", () => new NamedSetup("errors"));
        Assert.Contains("is for 'errors'", Assert.Throws<InvalidOperationException>(() => wrong.Get("log")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new PluginRegistry().Register("nosuch", () => new NamedSetup("nosuch")));
    }

    private sealed class NamedSetup(string name) : IPluginSetup
    {
        public string Name => name;

        public void Setup(SetupContext context)
        {
        }
    }
}
