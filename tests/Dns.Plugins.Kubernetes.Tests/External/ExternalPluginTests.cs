using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.External;
using Dns.Testing;
using static Dns.Core.Protocol.DnsRecordType;

namespace Dns.Plugins.Kubernetes.Tests.External;

/// <summary>k8s_external handler tables (reference §2.15) over the standard cluster plus services with external addresses.</summary>
public sealed class ExternalPluginTests
{
    private const string SoaLine = "example.com. 5 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1499347823 7200 1800 86400 5";

    private static ClusterSnapshot Snapshot()
    {
        var services = new List<ServiceInfo>(TestCluster.Services)
        {
            new()
            {
                Name = "ext-svc", Namespace = "testns", ClusterIP = "10.0.0.50", ClusterIPs = ["10.0.0.50"], ClusterIPAddresses = [IPAddress.Parse("10.0.0.50")],
                ExternalIPs = [IPAddress.Parse("1.2.3.4")], Ports = [TestCluster.Port("http", 80)],
            },
            new()
            {
                Name = "lb-svc", Namespace = "testns", Type = "LoadBalancer", ClusterIP = "10.0.0.51", ClusterIPs = ["10.0.0.51"],
                ClusterIPAddresses = [IPAddress.Parse("10.0.0.51")],
                LoadBalancerIngress = [new LoadBalancerIngressInfo("1.2.3.5", null), new LoadBalancerIngressInfo("2001:db8::5", null)],
                Ports = [TestCluster.Port("https", 443)],
            },
            new()
            {
                Name = "lbhost", Namespace = "testns", Type = "LoadBalancer", ClusterIP = "10.0.0.52", ClusterIPs = ["10.0.0.52"],
                ClusterIPAddresses = [IPAddress.Parse("10.0.0.52")],
                LoadBalancerIngress = [new LoadBalancerIngressInfo(null, "lb.cloud.test")],
                Ports = [TestCluster.Port("http", 80)],
            },
            new()
            {
                Name = "ext-other", Namespace = "other", ClusterIP = "10.0.9.50", ClusterIPs = ["10.0.9.50"], ClusterIPAddresses = [IPAddress.Parse("10.0.9.50")],
                ExternalIPs = [IPAddress.Parse("1.2.3.9")], Ports = [TestCluster.Port("http", 80)],
            },
            new()
            {
                Name = "kube-dns", Namespace = "kube-system", ClusterIP = "10.96.0.10", ClusterIPs = ["10.96.0.10"], ClusterIPAddresses = [IPAddress.Parse("10.96.0.10")],
                ExternalIPs = [IPAddress.Parse("203.0.113.53")], Ports = [TestCluster.Port("dns", 53, "UDP")],
            },
        };
        return new ClusterSnapshot(services, TestCluster.Slices, TestCluster.Pods, TestCluster.Namespaces, TestCluster.Serial, true);
    }

    private static (K8sHarness Harness, ExternalPlugin Plugin) Create(string body = "", string k8sBody = "", IPAddress[]? local = null, string zones = "example.com")
    {
        var h = K8sHarness.Create(k8sBody, Snapshot(), local: local ?? [IPAddress.Parse("192.0.2.53")]);
        var options = ExternalSetup.Parse(CorefileDispenser.FromText($"k8s_external {zones} {{\n{body}\n}}\n"), ["example.com."]);
        return (h, new ExternalPlugin(options, () => h.Plugin));
    }

    private static async Task RunAsync((K8sHarness Harness, ExternalPlugin Plugin) x, DnsCase c) =>
        DnsAssert.Matches(c, await x.Harness.QueryAsync(x.Plugin, c));

    private static DnsCase NxDomain(string qname, DnsRecordType type) => new(qname, type) { Rcode = ResponseCode.NxDomain, Ns = [SoaLine], Authoritative = true };

    private static DnsCase NoData(string qname, DnsRecordType type) => new(qname, type) { Ns = [SoaLine], Authoritative = true };

    public static TheoryData<DnsCase> Table => new()
    {
        new DnsCase("ext-svc.testns.example.com.", A) { Answer = ["ext-svc.testns.example.com. 5 IN A 1.2.3.4"], Authoritative = true },
        NoData("ext-svc.testns.example.com.", Aaaa),
        NoData("ext-svc.testns.example.com.", Txt),
        NoData("ext-svc.testns.example.com.", Mx),
        new DnsCase("ext-svc.testns.example.com.", Srv)
        {
            Answer = ["ext-svc.testns.example.com. 5 IN SRV 0 100 80 ext-svc.testns.example.com."],
            Extra = ["ext-svc.testns.example.com. 5 IN A 1.2.3.4"],
        },
        new DnsCase("_http._tcp.ext-svc.testns.example.com.", Srv)
        {
            Answer = ["_http._tcp.ext-svc.testns.example.com. 5 IN SRV 0 100 80 ext-svc.testns.example.com."],
            Extra = ["ext-svc.testns.example.com. 5 IN A 1.2.3.4"],
        },
        new DnsCase("_http._tcp.ext-svc.testns.example.com.", A) { Answer = ["_http._tcp.ext-svc.testns.example.com. 5 IN A 1.2.3.4"] },
        NxDomain("_https._tcp.ext-svc.testns.example.com.", Srv),
        new DnsCase("lb-svc.testns.example.com.", A) { Answer = ["lb-svc.testns.example.com. 5 IN A 1.2.3.5"] },
        new DnsCase("lb-svc.testns.example.com.", Aaaa) { Answer = ["lb-svc.testns.example.com. 5 IN AAAA 2001:db8::5"] },
        new DnsCase("lb-svc.testns.example.com.", Srv)
        {
            Answer = ["lb-svc.testns.example.com. 5 IN SRV 0 50 443 lb-svc.testns.example.com."],
            Extra = ["lb-svc.testns.example.com. 5 IN A 1.2.3.5", "lb-svc.testns.example.com. 5 IN AAAA 2001:db8::5"],
        },
        new DnsCase("lbhost.testns.example.com.", A)
        {
            Answer = ["lbhost.testns.example.com. 5 IN CNAME lb.cloud.test.", "lb.cloud.test. 120 IN A 198.51.100.7"],
        },
        new DnsCase("lbhost.testns.example.com.", Srv)
        {
            Answer = ["lbhost.testns.example.com. 5 IN SRV 0 100 80 lb.cloud.test."],
            Extra = ["lb.cloud.test. 120 IN A 198.51.100.7", "lb.cloud.test. 120 IN AAAA 2001:db8::7"],
        },
        // Services without external addresses, missing names, grammar.
        NxDomain("svc1.testns.example.com.", A),
        NxDomain("hdls1.testns.example.com.", A),
        NxDomain("shared.hdls1.testns.example.com.", A),
        NxDomain("nosvc.testns.example.com.", A),
        NoData("testns.example.com.", A),
        NxDomain("nons.example.com.", A),
        NxDomain("a.b.c.ext-svc.testns.example.com.", A),
        NxDomain("svc1.testns.svc.example.com.", A),
        // Apex and its name servers.
        new DnsCase("example.com.", Soa) { Answer = [SoaLine], Authoritative = true },
        new DnsCase("example.com.", Ns) { Answer = ["example.com. 5 IN NS ns1.dns.example.com."], Extra = ["ns1.dns.example.com. 5 IN A 192.0.2.53"] },
        NoData("example.com.", A),
        NoData("example.com.", Srv),
        NoData("dns.example.com.", A),
        new DnsCase("ns1.dns.example.com.", A) { Answer = ["ns1.dns.example.com. 5 IN A 192.0.2.53"] },
        NoData("ns1.dns.example.com.", Aaaa),
        NoData("ns1.dns.example.com.", Soa),
        NxDomain("ns2.dns.example.com.", A),
        NxDomain("x.ns1.dns.example.com.", A),
        // Case: owner as asked, SOA owner the configured zone.
        new DnsCase("EXT-SVC.TestNS.Example.COM.", A) { Answer = ["EXT-SVC.TestNS.Example.COM. 5 IN A 1.2.3.4"] },
        NxDomain("NOSVC.testns.Example.COM.", A),
        new DnsCase("Example.COM.", Ns) { Answer = ["example.com. 5 IN NS ns1.dns.example.com."], Extra = ["ns1.dns.Example.COM. 5 IN A 192.0.2.53"] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public Task Lookup_Default_MatchesCoreDns(DnsCase c) => RunAsync(Create(), c);

    public static TheoryData<DnsCase> HeadlessTable => new()
    {
        new DnsCase("hdls1.testns.example.com.", A)
        {
            Answer = ["hdls1.testns.example.com. 5 IN A 172.0.0.2", "hdls1.testns.example.com. 5 IN A 172.0.0.3", "hdls1.testns.example.com. 5 IN A 172.0.0.4"],
        },
        new DnsCase("shared.hdls1.testns.example.com.", A)
        {
            Answer = ["shared.hdls1.testns.example.com. 5 IN A 172.0.0.3", "shared.hdls1.testns.example.com. 5 IN A 172.0.0.4"],
        },
        new DnsCase("_https._tcp.hdls1.testns.example.com.", Srv)
        {
            Answer =
            [
                "_https._tcp.hdls1.testns.example.com. 5 IN SRV 0 33 443 172-0-0-2.hdls1.testns.example.com.",
                "_https._tcp.hdls1.testns.example.com. 5 IN SRV 0 33 443 shared.hdls1.testns.example.com.",
            ],
            Extra =
            [
                "172-0-0-2.hdls1.testns.example.com. 5 IN A 172.0.0.2",
                "shared.hdls1.testns.example.com. 5 IN A 172.0.0.3",
                "shared.hdls1.testns.example.com. 5 IN A 172.0.0.4",
            ],
        },
        // Endpoint names under a ClusterIP service without external IPs.
        new DnsCase("ep1a.svc1.testns.example.com.", A) { Answer = ["ep1a.svc1.testns.example.com. 5 IN A 172.0.0.1"] },
        NxDomain("svc1.testns.example.com.", A),
        NxDomain("hdlsempty.testns.example.com.", A),
        new DnsCase("ext-svc.testns.example.com.", A) { Answer = ["ext-svc.testns.example.com. 5 IN A 1.2.3.4"] },
    };

    [Theory]
    [MemberData(nameof(HeadlessTable))]
    public Task Lookup_Headless_AnswersEndpoints(DnsCase c) => RunAsync(Create("headless"), c);

    [Fact]
    public async Task Lookup_Ptr_ExternalIpToFirstZone()
    {
        var x = Create(zones: "example.com in-addr.arpa");
        await RunAsync(x, new DnsCase("4.3.2.1.in-addr.arpa.", Ptr) { Answer = ["4.3.2.1.in-addr.arpa. 5 IN PTR ext-svc.testns.example.com."] });
        await RunAsync(x, new DnsCase("5.3.2.1.in-addr.arpa.", Ptr) { Answer = ["5.3.2.1.in-addr.arpa. 5 IN PTR lb-svc.testns.example.com."] });
        await RunAsync(x, new DnsCase("9.9.9.9.in-addr.arpa.", Ptr)
        {
            Rcode = ResponseCode.NxDomain,
            Ns = ["in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1499347823 7200 1800 86400 5"],
        });
        await RunAsync(x, NoData("ext-svc.testns.example.com.", Ptr));
    }

    [Fact]
    public async Task Lookup_NamespacesOfKubernetes_Applied()
    {
        var x = Create(k8sBody: "namespaces testns");
        await RunAsync(x, NxDomain("ext-other.other.example.com.", A));
        await RunAsync(x, new DnsCase("ext-svc.testns.example.com.", A) { Answer = ["ext-svc.testns.example.com. 5 IN A 1.2.3.4"] });
    }

    [Fact]
    public async Task Lookup_Ttl_AppliesToAddressesSoaAndGlue()
    {
        var x = Create("ttl 60");
        await RunAsync(x, new DnsCase("ext-svc.testns.example.com.", A) { Answer = ["ext-svc.testns.example.com. 60 IN A 1.2.3.4"] });
        await RunAsync(x, new DnsCase("nosvc.testns.example.com.", A)
        {
            Rcode = ResponseCode.NxDomain,
            Ns = ["example.com. 60 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1499347823 7200 1800 86400 60"],
        });
    }

    [Fact]
    public async Task Lookup_Apex_UsesApexLabel()
    {
        var x = Create("apex ns");
        await RunAsync(x, new DnsCase("example.com.", Soa)
        {
            Answer = ["example.com. 5 IN SOA ns1.ns.example.com. hostmaster.ns.example.com. 1499347823 7200 1800 86400 5"],
        });
        await RunAsync(x, new DnsCase("ns1.ns.example.com.", A) { Answer = ["ns1.ns.example.com. 5 IN A 192.0.2.53"] });
    }

    [Fact]
    public async Task Lookup_OwnAddressInKubeDnsSlice_GlueIsServiceExternalIp()
    {
        var x = Create(local: [IPAddress.Parse("10.244.0.5")]);
        await RunAsync(x, new DnsCase("example.com.", Ns) { Answer = ["example.com. 5 IN NS ns1.dns.example.com."], Extra = ["ns1.dns.example.com. 5 IN A 203.0.113.53"] });
    }

    [Theory]
    [InlineData("fallthrough", "nosvc.testns.example.com.", true)]
    [InlineData("fallthrough", "svc1.testns.example.com.", true)]
    [InlineData("fallthrough", "testns.example.com.", false)]
    [InlineData("fallthrough", "ext-svc.testns.example.com.", false)]
    [InlineData("fallthrough other.example.com", "nosvc.testns.example.com.", false)]
    public async Task Fallthrough_OnlyOnNxDomain(string body, string qname, bool passed)
    {
        var x = Create(body);
        var reply = await x.Harness.QueryAsync(x.Plugin, new DnsCase(qname, A));
        Assert.NotNull(reply);
        var marker = reply.Answers.Count == 1 && reply.Answers[0] is TxtRecord t && t.Strings[0] == K8sHarness.NextMarker;
        Assert.Equal(passed, marker);
    }

    [Fact]
    public async Task Lookup_NoKubernetesInBlock_PassesToNext()
    {
        var options = ExternalSetup.Parse(CorefileDispenser.FromText("k8s_external example.com"), ["example.com."]);
        var plugin = new ExternalPlugin(options, () => null);
        var h = K8sHarness.Create();
        var c = new DnsCase("ext-svc.testns.example.com.", A) { Answer = [K8sHarness.NextLine("ext-svc.testns.example.com.")] };
        DnsAssert.Matches(c, await h.QueryAsync(plugin, c));
    }

    [Fact]
    public async Task Lookup_OutsideZones_PassesToNext()
    {
        var x = Create();
        await RunAsync(x, new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = [K8sHarness.NextLine("svc1.testns.svc.cluster.local.")] });
    }
}
