using System.Net;
using Dns.Core.Protocol;
using Dns.Testing;
using static Dns.Core.Protocol.DnsRecordType;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>Handler tables that depend on options: pods, namespaces, endpoint_pod_names, ignore, zonal, fallthrough, ttl, noendpoints, NS.</summary>
public sealed class KubernetesOptionTests
{
    private const string SoaLine = KubernetesHandlerTests.SoaLine;

    private static DnsCase NxDomain(string qname, DnsRecordType type) => new(qname, type) { Rcode = ResponseCode.NxDomain, Ns = [SoaLine], Authoritative = true };

    private static DnsCase NoData(string qname, DnsRecordType type) => new(qname, type) { Ns = [SoaLine], Authoritative = true };

    private static async Task RunAsync(K8sHarness h, DnsCase c) => DnsAssert.Matches(c, await h.QueryAsync(c));

    public static TheoryData<DnsCase> PodsInsecure => new()
    {
        new DnsCase("1-2-3-4.testns.pod.cluster.local.", A) { Answer = ["1-2-3-4.testns.pod.cluster.local. 5 IN A 1.2.3.4"] },
        new DnsCase("172-0-0-2.testns.pod.cluster.local.", A) { Answer = ["172-0-0-2.testns.pod.cluster.local. 5 IN A 172.0.0.2"] },
        new DnsCase("fd00--42.testns.pod.cluster.local.", Aaaa) { Answer = ["fd00--42.testns.pod.cluster.local. 5 IN AAAA fd00::42"] },
        NoData("1-2-3-4.testns.pod.cluster.local.", Aaaa),
        NxDomain("1-2-3-4.nons.pod.cluster.local.", A),
        NxDomain("notanip.testns.pod.cluster.local.", A),
        NxDomain("1-2-3-400.testns.pod.cluster.local.", A),
        NxDomain("01-2-3-4.testns.pod.cluster.local.", A),
        NoData("testns.pod.cluster.local.", A),
        NxDomain("nons.pod.cluster.local.", A),
        NoData("pod.cluster.local.", A),
        // Pod entries carry port 0 and their own name as SRV target (quirk).
        new DnsCase("1-2-3-4.testns.pod.cluster.local.", Srv)
        {
            Answer = ["1-2-3-4.testns.pod.cluster.local. 5 IN SRV 0 100 0 1-2-3-4.testns.pod.cluster.local."],
            Extra = ["1-2-3-4.testns.pod.cluster.local. 5 IN A 1.2.3.4"],
        },
        NoData("1-2-3-4.testns.pod.cluster.local.", Txt),
    };

    [Theory]
    [MemberData(nameof(PodsInsecure))]
    public Task Pods_Insecure_AnswersAnyParseableIp(DnsCase c) => RunAsync(K8sHarness.Create("pods insecure"), c);

    public static TheoryData<DnsCase> PodsVerified => new()
    {
        new DnsCase("172-0-0-2.testns.pod.cluster.local.", A) { Answer = ["172-0-0-2.testns.pod.cluster.local. 5 IN A 172.0.0.2"] },
        new DnsCase("10-244-1-1.other.pod.cluster.local.", A) { Answer = ["10-244-1-1.other.pod.cluster.local. 5 IN A 10.244.1.1"] },
        new DnsCase("fd00--42.testns.pod.cluster.local.", Aaaa) { Answer = ["fd00--42.testns.pod.cluster.local. 5 IN AAAA fd00::42"] },
        NoData("172-0-0-2.testns.pod.cluster.local.", Aaaa),
        NxDomain("172-0-0-2.other.pod.cluster.local.", A),
        NxDomain("1-2-3-4.testns.pod.cluster.local.", A),
        NxDomain("10-244-9-9.testns.pod.cluster.local.", A),
        NxDomain("10-244-9-8.testns.pod.cluster.local.", A),
        NoData("testns.pod.cluster.local.", A),
        NxDomain("nons.pod.cluster.local.", A),
    };

    [Theory]
    [MemberData(nameof(PodsVerified))]
    public Task Pods_Verified_RequiresPodInNamespace(DnsCase c) => RunAsync(K8sHarness.Create("pods verified"), c);

    [Theory]
    [InlineData("172-0-0-2.testns.pod.cluster.local.")]
    [InlineData("1-2-3-4.testns.pod.cluster.local.")]
    [InlineData("testns.pod.cluster.local.")]
    public Task Pods_Disabled_NxDomain(string qname) => RunAsync(K8sHarness.Create("pods disabled"), NxDomain(qname, A));

    public static TheoryData<DnsCase> NamespacesFilter => new()
    {
        new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        NxDomain("svc-other.other.svc.cluster.local.", A),
        NxDomain("other.svc.cluster.local.", A),
        NxDomain("hdls-other.other.svc.cluster.local.", A),
        NxDomain("kube-dns.kube-system.svc.cluster.local.", A),
        new DnsCase("1.9.0.10.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [KubernetesHandlerTests.ReverseSoaLine] },
        new DnsCase("1.5.0.172.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [KubernetesHandlerTests.ReverseSoaLine] },
        new DnsCase("1.0.0.10.in-addr.arpa.", Ptr) { Answer = ["1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."] },
        // The apex NS is the CoreDNS service even when its namespace is not exposed (pitfall 7).
        new DnsCase("cluster.local.", Ns)
        {
            Answer = ["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."],
            Extra = ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"],
        },
    };

    [Theory]
    [MemberData(nameof(NamespacesFilter))]
    public Task Namespaces_OnlyListedExposed(DnsCase c) =>
        RunAsync(K8sHarness.Create("namespaces testns", local: [IPAddress.Parse("10.244.0.5")]), c);

    [Fact]
    public Task Namespaces_ListedButMissing_NxDomain() =>
        RunAsync(K8sHarness.Create("namespaces testns ghost"), NxDomain("ghost.svc.cluster.local.", A));

    [Fact]
    public async Task Ptr_WithoutNamespacesOption_AnswersEveryNamespace()
    {
        var h = K8sHarness.Create();
        await RunAsync(h, new DnsCase("1.9.0.10.in-addr.arpa.", Ptr) { Answer = ["1.9.0.10.in-addr.arpa. 5 IN PTR svc-other.other.svc.cluster.local."] });
        await RunAsync(h, new DnsCase("1.5.0.172.in-addr.arpa.", Ptr) { Answer = ["1.5.0.172.in-addr.arpa. 5 IN PTR 172-0-5-1.hdls-other.other.svc.cluster.local."] });
    }

    [Fact]
    public Task Ptr_PrimaryZoneIsFirstNonReverse_EvenWhenListedSecond() =>
        RunAsync(
            K8sHarness.Create(zones: "in-addr.arpa example.com cluster.local"),
            new DnsCase("1.0.0.10.in-addr.arpa.", Ptr) { Answer = ["1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.example.com."] });

    public static TheoryData<DnsCase> EndpointPodNames => new()
    {
        new DnsCase("svc1-pod-b.svc1.testns.svc.cluster.local.", A) { Answer = ["svc1-pod-b.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.11"] },
        NxDomain("172-0-0-11.svc1.testns.svc.cluster.local.", A),
        // hostname still wins over the pod name.
        new DnsCase("ep1a.svc1.testns.svc.cluster.local.", A) { Answer = ["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"] },
        new DnsCase("_https._tcp.hdls1.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "_https._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 443 hdls1-pod-a.hdls1.testns.svc.cluster.local.",
                "_https._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 443 shared.hdls1.testns.svc.cluster.local.",
            ],
            Extra =
            [
                "hdls1-pod-a.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            ],
        },
        new DnsCase("11.0.0.172.in-addr.arpa.", Ptr) { Answer = ["11.0.0.172.in-addr.arpa. 5 IN PTR svc1-pod-b.svc1.testns.svc.cluster.local."] },
        // Endpoints without a targetRef keep the dashed address.
        new DnsCase("172-0-0-20.hdlsnoports.testns.svc.cluster.local.", A) { Answer = ["172-0-0-20.hdlsnoports.testns.svc.cluster.local. 5 IN A 172.0.0.20"] },
    };

    [Theory]
    [MemberData(nameof(EndpointPodNames))]
    public Task EndpointPodNames_UsesTargetRefName(DnsCase c) => RunAsync(K8sHarness.Create("endpoint_pod_names"), c);

    [Fact]
    public async Task EndpointPodNames_TargetRefOf64Chars_FallsBackToDashedIp()
    {
        var longName = new string('p', 64);
        var snap = new Data.ClusterSnapshot(
            TestCluster.Services,
            [TestCluster.Slice("testns", "hdlsempty", "x", [TestCluster.Ep("172.0.0.40", targetRef: longName)], TestCluster.Port("http", 80))],
            [], TestCluster.Namespaces, TestCluster.Serial, true);
        var h = K8sHarness.Create("endpoint_pod_names", snap);
        await RunAsync(h, new DnsCase("172-0-0-40.hdlsempty.testns.svc.cluster.local.", A) { Answer = ["172-0-0-40.hdlsempty.testns.svc.cluster.local. 5 IN A 172.0.0.40"] });
    }

    public static TheoryData<DnsCase> IgnoreEmptyService => new()
    {
        NxDomain("svcempty.testns.svc.cluster.local.", A),
        NxDomain("svcempty.testns.svc.cluster.local.", Srv),
        NxDomain("svcempty.testns.svc.cluster.local.", Txt),
        NxDomain("svcempty.testns.svc.cluster.local.", Aaaa),
        NxDomain("svc6.testns.svc.cluster.local.", Aaaa),
        new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        new DnsCase("ext.testns.svc.cluster.local.", Cname) { Answer = ["ext.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."] },
        NxDomain("hdlsempty.testns.svc.cluster.local.", A),
    };

    [Theory]
    [MemberData(nameof(IgnoreEmptyService))]
    public Task IgnoreEmptyService_ClusterIPWithoutReadyEndpoints_NxDomain(DnsCase c) => RunAsync(K8sHarness.Create("ignore empty_service"), c);

    public static TheoryData<DnsCase> Zonal => new()
    {
        new DnsCase("us-west-2a.pin._zone.hdlsz.testns.svc.cluster.local.", A) { Answer = ["us-west-2a.pin._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.1"] },
        new DnsCase("us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local.", A)
        {
            Answer = ["us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.2", "us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.3"],
        },
        NoData("eu-1.pin._zone.hdlsz.testns.svc.cluster.local.", A),
        NoData("eu-1.pin._zone.hdlsz.testns.svc.cluster.local.", Txt),
        NoData("us-west-2a.pin._zone.hdlsz.testns.svc.cluster.local.", Aaaa),
        NoData("us-west-2a.pin._zone.hdlsz.testns.svc.cluster.local.", Mx),
        new DnsCase("eu-1.prefer._zone.hdlsz.testns.svc.cluster.local.", A)
        {
            Answer =
            [
                "eu-1.prefer._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.1",
                "eu-1.prefer._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.2",
                "eu-1.prefer._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.3",
            ],
        },
        new DnsCase("US-WEST-2A.prefer._zone.hdlsz.testns.svc.cluster.local.", A) { Answer = ["US-WEST-2A.prefer._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.1"] },
        new DnsCase("us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local. 5 IN SRV 0 50 80 172-0-1-2.hdlsz.testns.svc.cluster.local.",
                "us-west-2b.pin._zone.hdlsz.testns.svc.cluster.local. 5 IN SRV 0 50 80 172-0-1-3.hdlsz.testns.svc.cluster.local.",
            ],
            Extra = ["172-0-1-2.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.2", "172-0-1-3.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.3"],
        },
        // Two-label form: the zone must be one some endpoint is in.
        new DnsCase("us-west-2a._zone.hdlsz.testns.svc.cluster.local.", A) { Answer = ["us-west-2a._zone.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.1"] },
        NxDomain("db._zone.hdlsz.testns.svc.cluster.local.", A),
        NxDomain("db._zone.hdlsz.testns.svc.cluster.local.", Txt),
        // Headless only; unknown directive; missing service.
        NxDomain("us-west-2a.pin._zone.svc1.testns.svc.cluster.local.", A),
        NxDomain("us-west-2a.pin._zone.ext.testns.svc.cluster.local.", A),
        NxDomain("us-west-2a.bogus._zone.hdlsz.testns.svc.cluster.local.", A),
        NxDomain("us-west-2a.pin._zone.nosvc.testns.svc.cluster.local.", A),
        // Ordinary names still work.
        new DnsCase("172-0-1-1.hdlsz.testns.svc.cluster.local.", A) { Answer = ["172-0-1-1.hdlsz.testns.svc.cluster.local. 5 IN A 172.0.1.1"] },
    };

    [Theory]
    [MemberData(nameof(Zonal))]
    public Task Zonal_NarrowsHeadlessEndpoints(DnsCase c) => RunAsync(K8sHarness.Create("zonal"), c);

    [Theory]
    [InlineData("us-west-2a.pin._zone.hdlsz.testns.svc.cluster.local.")]
    [InlineData("us-west-2a._zone.hdlsz.testns.svc.cluster.local.")]
    public Task Zonal_Disabled_NxDomain(string qname) => RunAsync(K8sHarness.Create(), NxDomain(qname, A));

    public static TheoryData<string, DnsCase> FallthroughTable => new()
    {
        { "fallthrough", new DnsCase("nosvc.testns.svc.cluster.local.", A) { Answer = [K8sHarness.NextLine("nosvc.testns.svc.cluster.local.")] } },
        { "fallthrough", new DnsCase("nons.svc.cluster.local.", A) { Answer = [K8sHarness.NextLine("nons.svc.cluster.local.")] } },
        { "fallthrough", new DnsCase("foo.cluster.local.", A) { Answer = [K8sHarness.NextLine("foo.cluster.local.")] } },
        { "fallthrough", new DnsCase("9.9.9.99.in-addr.arpa.", Ptr) { Answer = [K8sHarness.NextLine("9.9.9.99.in-addr.arpa.")] } },
        // Never on NODATA.
        { "fallthrough", NoData("svc1.testns.svc.cluster.local.", Aaaa) },
        { "fallthrough", NoData("cluster.local.", A) },
        { "fallthrough", new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] } },
        // Only inside the listed zones.
        { "fallthrough in-addr.arpa ip6.arpa", new DnsCase("9.9.9.99.in-addr.arpa.", Ptr) { Answer = [K8sHarness.NextLine("9.9.9.99.in-addr.arpa.")] } },
        { "fallthrough in-addr.arpa ip6.arpa", NxDomain("nosvc.testns.svc.cluster.local.", A) },
        { "fallthrough 10.0.0.0/8", new DnsCase("9.9.9.10.in-addr.arpa.", Ptr) { Answer = [K8sHarness.NextLine("9.9.9.10.in-addr.arpa.")] } },
        { "fallthrough 10.0.0.0/8", new DnsCase("9.9.9.99.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [KubernetesHandlerTests.ReverseSoaLine] } },
        { "fallthrough testns.svc.cluster.local", new DnsCase("nosvc.testns.svc.cluster.local.", A) { Answer = [K8sHarness.NextLine("nosvc.testns.svc.cluster.local.")] } },
        { "fallthrough testns.svc.cluster.local", NxDomain("nons.svc.cluster.local.", A) },
    };

    [Theory]
    [MemberData(nameof(FallthroughTable))]
    public Task Fallthrough_NameErrorsInZones_PassToNext(string option, DnsCase c) => RunAsync(K8sHarness.Create(option), c);

    public static TheoryData<string, DnsCase> UnsyncedTable => new()
    {
        { "", new DnsCase("nosvc.testns.svc.cluster.local.", A) { Rcode = ResponseCode.ServFail, Ns = [SoaLine], Authoritative = true } },
        { "", new DnsCase("foo.cluster.local.", A) { Rcode = ResponseCode.ServFail, Ns = [SoaLine], Authoritative = true } },
        { "", new DnsCase("9.9.9.99.in-addr.arpa.", Ptr) { Rcode = ResponseCode.ServFail, Ns = [KubernetesHandlerTests.ReverseSoaLine] } },
        // Data already received is served; NODATA stays NODATA.
        { "", new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] } },
        { "", NoData("svc1.testns.svc.cluster.local.", Aaaa) },
        // Fallthrough is checked first.
        { "fallthrough", new DnsCase("nosvc.testns.svc.cluster.local.", A) { Answer = [K8sHarness.NextLine("nosvc.testns.svc.cluster.local.")] } },
    };

    [Theory]
    [MemberData(nameof(UnsyncedTable))]
    public Task Unsynced_NameErrorBecomesServFail(string option, DnsCase c) =>
        RunAsync(K8sHarness.Create(option, TestCluster.Snapshot(synced: false)), c);

    public static TheoryData<string, DnsCase> TtlTable => new()
    {
        { "ttl 30", new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 30 IN A 10.0.0.1"] } },
        { "ttl 30", new DnsCase("nosvc.testns.svc.cluster.local.", A) { Rcode = ResponseCode.NxDomain, Ns = ["cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 30"] } },
        { "ttl 3600", new DnsCase("cluster.local.", Soa) { Answer = ["cluster.local. 300 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 3600"] } },
        { "ttl 3600", new DnsCase("dns-version.cluster.local.", Txt) { Answer = ["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""] } },
        { "ttl 0", new DnsCase("svc1.testns.svc.cluster.local.", Srv) { Answer = ["svc1.testns.svc.cluster.local. 0 IN SRV 0 100 80 svc1.testns.svc.cluster.local."], Extra = ["svc1.testns.svc.cluster.local. 0 IN A 10.0.0.1"] } },
        { "ttl 0", new DnsCase("1.0.0.10.in-addr.arpa.", Ptr) { Answer = ["1.0.0.10.in-addr.arpa. 0 IN PTR svc1.testns.svc.cluster.local."] } },
        { "ttl 60", new DnsCase("ext.testns.svc.cluster.local.", A) { Answer = ["ext.testns.svc.cluster.local. 60 IN CNAME ext.interwebs.test.", "ext.interwebs.test. 300 IN A 203.0.113.10"] } },
    };

    [Theory]
    [MemberData(nameof(TtlTable))]
    public Task Ttl_AppliesToEveryRecordButDnsVersionAndUpstream(string option, DnsCase c) => RunAsync(K8sHarness.Create(option), c);

    public static TheoryData<DnsCase> NoEndpointsTable => new()
    {
        NxDomain("hdls1.testns.svc.cluster.local.", A),
        NxDomain("ep1a.svc1.testns.svc.cluster.local.", A),
        new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        new DnsCase("cluster.local.", Ns) { Answer = ["cluster.local. 5 IN NS ns.dns.cluster.local."], Extra = ["ns.dns.cluster.local. 5 IN A 10.244.0.5"] },
        new DnsCase("1.0.0.172.in-addr.arpa.", Ptr) { Answer = ["1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local."] },
    };

    [Theory]
    [MemberData(nameof(NoEndpointsTable))]
    public Task NoEndpoints_HeadlessAndEndpointNamesNxDomain(DnsCase c) =>
        RunAsync(K8sHarness.Create("noendpoints", local: [IPAddress.Parse("10.244.0.5")]), c);

    public static TheoryData<string, DnsCase> NsTable => new()
    {
        // Our address is an endpoint of kube-dns: NS is the service name, glue its cluster IP.
        {
            "10.244.0.5",
            new DnsCase("cluster.local.", Ns) { Answer = ["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."], Extra = ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"] }
        },
        {
            "10.244.0.5",
            new DnsCase("Cluster.Local.", Ns) { Answer = ["Cluster.Local. 5 IN NS kube-dns.kube-system.svc.Cluster.Local."], Extra = ["kube-dns.kube-system.svc.Cluster.Local. 5 IN A 10.96.0.10"] }
        },
        { "10.244.0.5", new DnsCase("ns.dns.cluster.local.", A) { Answer = ["ns.dns.cluster.local. 5 IN A 10.96.0.10"] } },
        // A headless service: endpoint names.
        {
            "172.0.5.1",
            new DnsCase("cluster.local.", Ns) { Answer = ["cluster.local. 5 IN NS 172-0-5-1.hdls-other.other.svc.cluster.local."], Extra = ["172-0-5-1.hdls-other.other.svc.cluster.local. 5 IN A 172.0.5.1"] }
        },
        // Not in any slice: ns.dns.<zone> with our own addresses.
        {
            "192.0.2.53 2001:db8::53",
            new DnsCase("cluster.local.", Ns) { Answer = ["cluster.local. 5 IN NS ns.dns.cluster.local."], Extra = ["ns.dns.cluster.local. 5 IN A 192.0.2.53", "ns.dns.cluster.local. 5 IN AAAA 2001:db8::53"] }
        },
        { "192.0.2.53 2001:db8::53", new DnsCase("ns.dns.cluster.local.", A) { Answer = ["ns.dns.cluster.local. 5 IN A 192.0.2.53"] } },
        { "192.0.2.53 2001:db8::53", new DnsCase("NS.DNS.cluster.local.", Aaaa) { Answer = ["NS.DNS.cluster.local. 5 IN AAAA 2001:db8::53"] } },
        { "192.0.2.53", NoData("ns.dns.cluster.local.", Aaaa) },
        { "192.0.2.53", NoData("ns.dns.cluster.local.", Mx) },
        { "192.0.2.53", NoData("ns.dns.cluster.local.", Srv) },
        { "192.0.2.53", NxDomain("ns.dns.cluster.local.", Txt) },
        { "192.0.2.53", NxDomain("dns.cluster.local.", A) },
        { "192.0.2.53", NxDomain("x.ns.dns.cluster.local.", A) },
        { "192.0.2.53", new DnsCase("in-addr.arpa.", Ns) { Answer = ["in-addr.arpa. 5 IN NS ns.dns.in-addr.arpa."], Extra = ["ns.dns.in-addr.arpa. 5 IN A 192.0.2.53"] } },
        // No own address at all: nothing to say.
        { "", NoData("cluster.local.", Ns) },
    };

    [Theory]
    [MemberData(nameof(NsTable))]
    public Task Ns_Apex_FindsOwnServiceByAddress(string local, DnsCase c)
    {
        var addresses = new List<IPAddress>();
        foreach (var a in local.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            addresses.Add(IPAddress.Parse(a));
        }
        return RunAsync(K8sHarness.Create(local: [.. addresses]), c);
    }

    [Fact]
    public async Task Ns_TwoOwnAddressesInSameSlice_OneNsOneGlue()
    {
        var snap = new Data.ClusterSnapshot(
            TestCluster.Services,
            [TestCluster.Slice("kube-system", "kube-dns", "kd", [TestCluster.Ep("10.244.0.5"), TestCluster.Ep("10.244.0.6")], TestCluster.Port("dns", 53, "UDP"))],
            [], TestCluster.Namespaces, TestCluster.Serial, true);
        var h = K8sHarness.Create(snapshot: snap, local: [IPAddress.Parse("10.244.0.5"), IPAddress.Parse("10.244.0.6")]);
        await RunAsync(h, new DnsCase("cluster.local.", Ns) { Answer = ["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."], Extra = ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"] });
    }
}
