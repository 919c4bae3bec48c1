using System.Net;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;
using k8s.Models;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

public sealed class KubeObjectConverterTests
{
    [Fact]
    public void ToService_NoMetadataOrName_ReturnsNull()
    {
        Assert.Null(KubeObjectConverter.ToService(null));
        Assert.Null(KubeObjectConverter.ToService(new V1Service()));
        Assert.Null(KubeObjectConverter.ToService(new V1Service { Metadata = new V1ObjectMeta() }));
    }

    [Fact]
    public void ToService_NoSpec_DefaultsWithoutThrowing()
    {
        var s = KubeObjectConverter.ToService(new V1Service { Metadata = new V1ObjectMeta { Name = "bare" } })!;
        Assert.Equal("default", s.Namespace);
        Assert.Equal("ClusterIP", s.Type);
        Assert.Equal("", s.ClusterIP);
        Assert.Empty(s.ClusterIPs);
        Assert.Empty(s.ClusterIPAddresses);
        Assert.Empty(s.Ports);
        Assert.False(s.IsHeadless);
    }

    [Fact]
    public void ToService_MalformedClusterIP_SkippedAndLogged()
    {
        var log = new CapturingLoggerFactory();
        var svc = KubeObjects.Service("demo", "odd", "10.96.0.300");
        svc.Spec.ClusterIPs = ["10.96.0.300", "fd00::1"];
        var s = KubeObjectConverter.ToService(svc, log.CreateLogger("t"))!;
        Assert.Equal(["10.96.0.300", "fd00::1"], s.ClusterIPs);
        Assert.Equal([IPAddress.Parse("fd00::1")], s.ClusterIPAddresses);
        Assert.True(log.Contains("10.96.0.300"));
        Assert.True(log.Contains("demo/odd"));
    }

    [Fact]
    public void ToService_ClusterIPsAbsent_FallsBackToClusterIP()
    {
        var svc = KubeObjects.Service("demo", "one", "10.96.0.7");
        svc.Spec.ClusterIPs = null;
        var s = KubeObjectConverter.ToService(svc)!;
        Assert.Equal(["10.96.0.7"], s.ClusterIPs);
        Assert.Equal([IPAddress.Parse("10.96.0.7")], s.ClusterIPAddresses);
    }

    [Fact]
    public void ToService_Headless_NoAddresses()
    {
        var s = KubeObjectConverter.ToService(KubeObjects.Service("demo", "web", "None"))!;
        Assert.True(s.IsHeadless);
        Assert.Empty(s.ClusterIPAddresses);
    }

    [Fact]
    public void ToService_DualStackAndExtras_AllKept()
    {
        var svc = KubeObjects.Service("demo", "api", "10.96.45.20");
        svc.Spec.ClusterIPs = ["10.96.45.20", "fd00:10:96::4520"];
        svc.Spec.Type = "LoadBalancer";
        svc.Spec.ExternalIPs = ["192.0.2.10", "bogus"];
        svc.Spec.Ports = [new V1ServicePort { Port = 53 }, null!];
        svc.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "198.51.100.1" }, new V1LoadBalancerIngress { Hostname = "lb.example.com" }, new V1LoadBalancerIngress()] } };
        var s = KubeObjectConverter.ToService(svc)!;
        Assert.Equal(2, s.ClusterIPAddresses.Count);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], s.ExternalIPs);
        Assert.Equal([new ServicePortInfoView("", 53, "TCP")], s.Ports.Select(p => new ServicePortInfoView(p.Name, p.Port, p.Protocol)));
        Assert.Equal(2, s.LoadBalancerIngress.Count);
        Assert.Equal("lb.example.com", s.LoadBalancerIngress[1].Hostname);
    }

    [Fact]
    public void ToService_ExternalName_Kept()
    {
        var svc = new V1Service { Metadata = new V1ObjectMeta { Name = "ext", NamespaceProperty = "demo" }, Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "example.com" } };
        var s = KubeObjectConverter.ToService(svc)!;
        Assert.True(s.IsExternalName);
        Assert.Equal("example.com", s.ExternalName);
    }

    [Fact]
    public void ToEndpointSlice_NoPorts_SentinelPortMinusOne()
    {
        var sl = KubeObjects.Slice("demo", "s1", "web", "10.244.1.1");
        sl.Ports = null;
        var s = KubeObjectConverter.ToEndpointSlice(sl)!;
        var p = Assert.Single(s.Ports);
        Assert.Equal(-1, p.Port);
        Assert.Equal("", p.Name);
    }

    [Fact]
    public void ToEndpointSlice_PortWithoutNumberOrProtocol_Defaults()
    {
        var sl = KubeObjects.Slice("demo", "s1", "web", "10.244.1.1");
        sl.Ports = [new Discoveryv1EndpointPort { Name = null, Port = null, Protocol = null }];
        var p = Assert.Single(KubeObjectConverter.ToEndpointSlice(sl)!.Ports);
        Assert.Equal(new ServicePortInfoView("", -1, "TCP"), new ServicePortInfoView(p.Name, p.Port, p.Protocol));
    }

    [Fact]
    public void ToEndpointSlice_ConditionsAndOddAddresses_Handled()
    {
        var log = new CapturingLoggerFactory();
        var sl = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = "demo", Labels = new Dictionary<string, string> { [KubeObjectConverter.ServiceNameLabel] = "web" } },
            AddressType = "IPv4",
            Endpoints =
            [
                new V1Endpoint { Addresses = ["10.244.1.30"], Hostname = "web-0", TargetRef = new V1ObjectReference { Kind = "Pod", Name = "web-0" } },
                new V1Endpoint { Addresses = ["10.244.1.31", "not-an-ip", ""], Conditions = new V1EndpointConditions { Ready = false } },
                null!,
            ],
        };
        var s = KubeObjectConverter.ToEndpointSlice(sl, log.CreateLogger("t"))!;
        Assert.Equal("web", s.ServiceName);
        Assert.Equal(2, s.Endpoints.Count);
        Assert.True(s.Endpoints[0].Ready);
        Assert.Equal("web-0", s.Endpoints[0].Hostname);
        Assert.Equal("web-0", s.Endpoints[0].TargetRefName);
        Assert.False(s.Endpoints[1].Ready);
        Assert.Equal(["10.244.1.31", "not-an-ip"], s.Endpoints[1].AddressTexts);
        Assert.Equal(IPAddress.Parse("10.244.1.31"), s.Endpoints[1].Address(0));
        Assert.Null(s.Endpoints[1].Address(1));
        Assert.True(log.Contains("not-an-ip"));
        var withoutPodNames = KubeObjectConverter.ToEndpointSlice(sl, keepPodNames: false)!;
        Assert.Null(withoutPodNames.Endpoints[0].TargetRefName);
        Assert.Equal("Pod", withoutPodNames.Endpoints[0].TargetRefKind);
        Assert.Equal("web-0", withoutPodNames.Endpoints[0].Hostname);
    }

    [Fact]
    public void ToEndpointSlice_FqdnAndUnknownAddressType_KeptWithoutNoise()
    {
        var log = new CapturingLoggerFactory();
        var sl = KubeObjects.Slice("demo", "f", "ext", "db.example.com");
        sl.AddressType = "FQDN";
        var s = KubeObjectConverter.ToEndpointSlice(sl, log.CreateLogger("t"))!;
        Assert.Equal("FQDN", s.AddressType);
        Assert.Equal(["db.example.com"], s.Endpoints[0].AddressTexts);
        Assert.Null(s.Endpoints[0].Address(0));
        Assert.Empty(log.Lines);

        sl.AddressType = "IPv9";
        Assert.Equal("IPv9", KubeObjectConverter.ToEndpointSlice(sl)!.AddressType);
    }

    [Fact]
    public void ToEndpointSlice_NoServiceLabel_EmptyServiceName()
    {
        var sl = KubeObjects.Slice("demo", "orphan", "x", "10.0.0.1");
        sl.Metadata.Labels = null;
        Assert.Equal("", KubeObjectConverter.ToEndpointSlice(sl)!.ServiceName);
    }

    [Fact]
    public void ToPod_BadIPAndDeletion_Handled()
    {
        var p = KubeObjects.Pod("demo", "p", "10.244.1.999");
        p.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var info = KubeObjectConverter.ToPod(p)!;
        Assert.Null(info.PodIPAddress);
        Assert.Equal("10.244.1.999", info.PodIP);
        Assert.True(info.Terminating);
        Assert.Equal("", KubeObjectConverter.ToPod(new V1Pod { Metadata = new V1ObjectMeta { Name = "np" } })!.PodIP);
    }

    [Fact]
    public void ToNamespace_Labels_Copied()
    {
        var n = KubeObjectConverter.ToNamespace(KubeObjects.Namespace("demo", new Dictionary<string, string> { ["team"] = "a" }))!;
        Assert.Equal("a", n.Labels["team"]);
        Assert.Null(KubeObjectConverter.ToNamespace(new V1Namespace()));
    }

    [Theory]
    [InlineData("10.96.0.1", true)]
    [InlineData("fd00:10:96::a", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("1", false)]
    [InlineData("1.2.3", false)]
    [InlineData("010.1.2.3", false)]
    [InlineData("0x0a.1.2.3", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("", false)]
    [InlineData("None", false)]
    [InlineData("10.0.0.1:53", false)]
    public void TryParseIP_GoParseIPRules(string text, bool valid)
    {
        Assert.Equal(valid, KubeObjectConverter.TryParseIP(text, out _));
    }

    private readonly record struct ServicePortInfoView(string Name, int Port, string Protocol);
}
