using Dns.Core.Corefile;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>Corefile snippets to options, or to an error naming the problem (reference §2.1).</summary>
public sealed class KubernetesSetupTests
{
    private static KubernetesOptions Parse(string text, params string[] blockZones) =>
        KubernetesSetup.Parse(CorefileDispenser.FromText(text), blockZones.Length == 0 ? ["cluster.local."] : blockZones);

    [Fact]
    public void Parse_Bare_Defaults()
    {
        var o = Parse("kubernetes");
        Assert.Equal(["cluster.local."], o.Zones);
        Assert.Equal(5u, o.Ttl);
        Assert.Equal(PodMode.Disabled, o.Pods);
        Assert.Equal(TimeSpan.FromSeconds(5), o.StartupTimeout);
        Assert.Null(o.Fallthrough);
        Assert.Empty(o.Namespaces);
        Assert.False(o.NoEndpoints || o.EndpointPodNames || o.IgnoreEmptyService || o.Zonal);
    }

    [Fact]
    public void Parse_KubeadmBlock_ZonesAndFallthrough()
    {
        var o = Parse("kubernetes cluster.local in-addr.arpa ip6.arpa {\n pods insecure\n fallthrough in-addr.arpa ip6.arpa\n ttl 30\n}");
        Assert.Equal(["cluster.local.", "in-addr.arpa.", "ip6.arpa."], o.Zones);
        Assert.Equal(0, o.PrimaryZoneIndex);
        Assert.Equal(PodMode.Insecure, o.Pods);
        Assert.Equal(["in-addr.arpa.", "ip6.arpa."], o.Fallthrough);
        Assert.Equal(30u, o.Ttl);
    }

    [Fact]
    public void Parse_CidrZones_ExpandToReverseZones_PrimaryIsFirstForward()
    {
        var o = Parse("kubernetes 10.0.0.0/15 Cluster.Local");
        Assert.Equal(["0.10.in-addr.arpa.", "1.10.in-addr.arpa.", "cluster.local."], o.Zones);
        Assert.Equal(2, o.PrimaryZoneIndex);
        Assert.Equal("cluster.local.", o.PrimaryZone);
    }

    [Fact]
    public void Parse_NoArgs_UsesBlockZones()
    {
        var o = Parse("kubernetes", "10.in-addr.arpa.", "example.org.");
        Assert.Equal(["10.in-addr.arpa.", "example.org."], o.Zones);
        Assert.Equal(1, o.PrimaryZoneIndex);
    }

    [Fact]
    public void Parse_EveryOption_Parsed()
    {
        var o = Parse("""
            kubernetes cluster.local {
                endpoint http://127.0.0.1:8080 http://other:8080
                tls cert.pem key.pem ca.pem
                kubeconfig /etc/kube.conf ctx1
                namespaces TestNS kube-system
                labels environment in (staging, qa),application=nginx
                pods verified
                endpoint_pod_names
                ttl 3600
                noendpoints
                fallthrough
                ignore empty_service
                startup_timeout 1m30s
                apiserver_qps 50
                apiserver_burst 100
                apiserver_max_inflight 0
                manifests examples/cluster.yaml
            }
            """);
        Assert.Equal(["http://127.0.0.1:8080", "http://other:8080"], o.Endpoints);
        Assert.Equal(("cert.pem", "key.pem", "ca.pem"), (o.TlsCert, o.TlsKey, o.TlsCa));
        Assert.Equal(("/etc/kube.conf", "ctx1"), (o.Kubeconfig, o.KubeconfigContext));
        Assert.Equal(["testns", "kube-system"], o.Namespaces);
        Assert.Equal("environment in (staging, qa),application=nginx", o.Labels);
        Assert.Equal(PodMode.Verified, o.Pods);
        Assert.True(o.EndpointPodNames && o.NoEndpoints && o.IgnoreEmptyService);
        Assert.Equal(3600u, o.Ttl);
        Assert.Equal(["."], o.Fallthrough);
        Assert.Equal(TimeSpan.FromSeconds(90), o.StartupTimeout);
        Assert.Equal((50, 100, 0), (o.ApiServerQps, o.ApiServerBurst, o.ApiServerMaxInflight));
        Assert.Equal("examples/cluster.yaml", o.ManifestsPath);
    }

    [Fact]
    public void Parse_NamespaceLabelsAndZonal_Parsed()
    {
        var o = Parse("kubernetes {\n namespace_labels istio-injection=enabled\n zonal\n kubeconfig /k\n}");
        Assert.Equal("istio-injection=enabled", o.NamespaceLabels);
        Assert.True(o.Zonal);
        Assert.Null(o.KubeconfigContext);
    }

    [Theory]
    [InlineData("ttl 0", 0u)]
    [InlineData("ttl 3600", 3600u)]
    [InlineData("ttl 5", 5u)]
    public void Parse_TtlInRange_Accepted(string line, uint ttl) => Assert.Equal(ttl, Parse($"kubernetes {{\n{line}\n}}").Ttl);

    [Theory]
    [InlineData("kubernetes {\n ttl 3601\n}", "ttl must be in range [0, 3600]: 3601")]
    [InlineData("kubernetes {\n ttl -1\n}", "ttl must be in range [0, 3600]: -1")]
    [InlineData("kubernetes {\n ttl abc\n}", "ttl must be an integer")]
    [InlineData("kubernetes {\n ttl\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n pods bogus\n}", "invalid value for pods: 'bogus'")]
    [InlineData("kubernetes {\n pods\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n endpoint\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n tls a b\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n namespaces\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n labels\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n namespace_labels\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n kubeconfig\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n kubeconfig a b c\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n noendpoints yes\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n endpoint_pod_names x\n}", "Wrong argument count")]
    [InlineData("kubernetes {\n ignore emptyservice\n}", "unable to parse ignore value: 'emptyservice'")]
    [InlineData("kubernetes {\n startup_timeout soon\n}", "invalid startup_timeout: 'soon'")]
    [InlineData("kubernetes {\n apiserver_qps -3\n}", "apiserver_qps: expected a non-negative integer")]
    [InlineData("kubernetes {\n multicluster clusterset.local\n}", "multicluster is not supported")]
    [InlineData("kubernetes {\n upstream\n}", "unknown property 'upstream'")]
    [InlineData("kubernetes {\n resyncperiod 30s\n}", "unknown property 'resyncperiod'")]
    [InlineData("kubernetes {\n namespaces a\n namespace_labels x=y\n}", "namespaces and namespace_labels cannot both be set")]
    [InlineData("kubernetes {\n zonal\n noendpoints\n}", "zonal and noendpoints cannot both be set")]
    [InlineData("kubernetes in-addr.arpa 10.0.0.0/8", "non-reverse zone name must be used")]
    [InlineData("kubernetes cluster.local\nkubernetes cluster.local", "this plugin can only be used once per Server Block")]
    [InlineData("kubernetes 10.0.0.0/99", "invalid CIDR")]
    public void Parse_Invalid_ErrorNamesProblem(string text, string fragment)
    {
        var ex = Assert.Throws<CorefileException>(() => Parse(text));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Error_NamesLine()
    {
        var ex = Assert.Throws<CorefileException>(() => Parse("kubernetes {\n ttl 5\n bogus\n}"));
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public async Task Setup_ThroughRegistry_AddsPluginReadinessHooksAndItem()
    {
        var source = new InMemoryClusterSource(TestCluster.Snapshot());
        var registry = Server.BuiltinPlugins.Create();
        registry.Register(new KubernetesSetup((_, _) => source));
        var h = PluginHarness.Create("cluster.local {\n kubernetes\n}", registry);
        Assert.Single(h.Instance.ReadinessChecks);
        Assert.Equal("kubernetes", h.Instance.ReadinessChecks[0].Name);
        Assert.IsType<KubernetesPlugin>(h.Config.Items[KubernetesSetup.ItemKey]);
        await h.StartAsync();
        Assert.Equal(1, source.StartCalls);
        var c = new DnsCase("svc1.testns.svc.cluster.local.", DnsRecordType.A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] };
        DnsAssert.Matches(c, await h.QueryAsync(c));
        foreach (var hook in h.Instance.ShutdownHooks)
        {
            await hook(CancellationToken.None);
        }
        Assert.True(source.Disposed);
    }

    [Fact]
    public void BuiltinPlugins_RegistersKubernetes() => Assert.True(Server.BuiltinPlugins.Create().Contains("kubernetes"));
}
