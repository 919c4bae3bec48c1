using Dns.Core.Corefile;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.External;
using Dns.Testing;

namespace Dns.Plugins.Kubernetes.Tests.External;

/// <summary>k8s_external options and errors.</summary>
public sealed class ExternalSetupTests
{
    private static ExternalOptions Parse(string text) => ExternalSetup.Parse(CorefileDispenser.FromText(text), ["example.org."]);

    [Fact]
    public void Parse_Bare_Defaults()
    {
        var o = Parse("k8s_external");
        Assert.Equal(["example.org."], o.Zones);
        Assert.Equal("dns", o.Apex);
        Assert.Equal(5u, o.Ttl);
        Assert.False(o.Headless);
        Assert.Null(o.Fallthrough);
    }

    [Fact]
    public void Parse_EveryOption_Parsed()
    {
        var o = Parse("k8s_external Example.COM 10.0.0.0/8 {\n apex ns\n ttl 300\n headless\n fallthrough example.com\n}");
        Assert.Equal(["example.com.", "10.in-addr.arpa."], o.Zones);
        Assert.Equal("ns", o.Apex);
        Assert.Equal(300u, o.Ttl);
        Assert.True(o.Headless);
        Assert.Equal(["example.com."], o.Fallthrough);
    }

    [Theory]
    [InlineData("k8s_external {\n ttl 3601\n}", "ttl must be in range [0, 3600]: 3601")]
    [InlineData("k8s_external {\n ttl x\n}", "ttl must be an integer")]
    [InlineData("k8s_external {\n ttl\n}", "Wrong argument count")]
    [InlineData("k8s_external {\n apex\n}", "Wrong argument count")]
    [InlineData("k8s_external {\n apex a.b\n}", "invalid apex label")]
    [InlineData("k8s_external {\n headless yes\n}", "Wrong argument count")]
    [InlineData("k8s_external {\n bogus\n}", "unknown property 'bogus'")]
    public void Parse_Invalid_ErrorNamesProblem(string text, string fragment)
    {
        var ex = Assert.Throws<CorefileException>(() => Parse(text));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_ThroughRegistry_FindsKubernetesOfSameBlock()
    {
        var snap = TestCluster.Snapshot();
        var registry = Server.BuiltinPlugins.Create();
        registry.Register(new KubernetesSetup((_, _) => new InMemoryClusterSource(snap)));
        var h = PluginHarness.Create("example.org cluster.local {\n k8s_external example.org\n kubernetes cluster.local\n}", registry);
        await h.StartAsync();
        var c = new DnsCase("nosvc.testns.example.org.", DnsRecordType.A)
        {
            Rcode = ResponseCode.NxDomain,
            Ns = ["example.org. 5 IN SOA ns1.dns.example.org. hostmaster.dns.example.org. 1499347823 7200 1800 86400 5"],
        };
        DnsAssert.Matches(c, await h.QueryAsync(c));
        var k = new DnsCase("svc1.testns.svc.cluster.local.", DnsRecordType.A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] };
        DnsAssert.Matches(k, await h.QueryAsync(k));
    }

    [Fact]
    public void BuiltinPlugins_RegistersK8sExternal() => Assert.True(Server.BuiltinPlugins.Create().Contains("k8s_external"));
}
