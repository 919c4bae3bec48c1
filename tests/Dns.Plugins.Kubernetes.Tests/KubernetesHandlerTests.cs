using System.Net;
using Dns.Core.Protocol;
using Dns.Testing;
using static Dns.Core.Protocol.DnsRecordType;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>Handler tables over the standard test cluster with default options (reference §2.5 and §6).</summary>
public sealed class KubernetesHandlerTests
{
    internal const string SoaLine = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 5";
    internal const string ReverseSoaLine = "in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1499347823 7200 1800 86400 5";
    internal const string Reverse6SoaLine = "ip6.arpa. 5 IN SOA ns.dns.ip6.arpa. hostmaster.ip6.arpa. 1499347823 7200 1800 86400 5";

    private static DnsCase NxDomain(string qname, DnsRecordType type) => new(qname, type) { Rcode = ResponseCode.NxDomain, Ns = [SoaLine], Authoritative = true };

    private static DnsCase NoData(string qname, DnsRecordType type) => new(qname, type) { Ns = [SoaLine], Authoritative = true };

    public static TheoryData<DnsCase> DecisionTable => new()
    {
        // Apex (§2.5 rows 1-3).
        new DnsCase("cluster.local.", Soa) { Answer = [SoaLine], Authoritative = true },
        NoData("cluster.local.", A),
        NoData("cluster.local.", Aaaa),
        NoData("cluster.local.", Srv),
        NoData("cluster.local.", Hinfo),
        NoData("cluster.local.", Mx),
        NoData("cluster.local.", Ptr),
        NoData("cluster.local.", Cname),
        NxDomain("cluster.local.", Txt),
        // svc.<zone>, pod.<zone>.
        NoData("svc.cluster.local.", A),
        NoData("pod.cluster.local.", A),
        NoData("svc.cluster.local.", Srv),
        NxDomain("svc.cluster.local.", Txt),
        // Namespaces.
        NoData("testns.svc.cluster.local.", A),
        NoData("testns.svc.cluster.local.", Srv),
        NxDomain("testns.svc.cluster.local.", Txt),
        NxDomain("nons.svc.cluster.local.", A),
        NxDomain("nons.svc.cluster.local.", Srv),
        NxDomain("svc1.nons.svc.cluster.local.", A),
        // Pods are disabled by default.
        NxDomain("testns.pod.cluster.local.", A),
        NxDomain("172-0-0-2.testns.pod.cluster.local.", A),
        // Services.
        new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"], Authoritative = true },
        NxDomain("nosvc.testns.svc.cluster.local.", A),
        NxDomain("nosvc.testns.svc.cluster.local.", Aaaa),
        NxDomain("nosvc.testns.svc.cluster.local.", Srv),
        NxDomain("nosvc.testns.svc.cluster.local.", Txt),
        NxDomain("nosvc.testns.svc.cluster.local.", Mx),
        NxDomain("nosvc.testns.svc.cluster.local.", Hinfo),
        NoData("svc1.testns.svc.cluster.local.", Aaaa),
        NoData("svc1.testns.svc.cluster.local.", Txt),
        NoData("svc1.testns.svc.cluster.local.", Mx),
        NoData("svc1.testns.svc.cluster.local.", Cname),
        NoData("svc1.testns.svc.cluster.local.", Any),
        NoData("svc1.testns.svc.cluster.local.", Hinfo),
        NoData("svc1.testns.svc.cluster.local.", Ns),
        NoData("svc1.testns.svc.cluster.local.", Ptr),
        new DnsCase("svc6.testns.svc.cluster.local.", Aaaa) { Answer = ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"] },
        NoData("svc6.testns.svc.cluster.local.", A),
        // ClusterIP service without endpoints still answers.
        new DnsCase("svcempty.testns.svc.cluster.local.", A) { Answer = ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.2"] },
        // Service without ports: A works, SRV has nothing (port -1 skipped).
        new DnsCase("nopo.testns.svc.cluster.local.", A) { Answer = ["nopo.testns.svc.cluster.local. 5 IN A 10.0.0.5"] },
        NoData("nopo.testns.svc.cluster.local.", Srv),
        NxDomain("_http._tcp.nopo.testns.svc.cluster.local.", Srv),
        // Headless.
        NxDomain("hdlsempty.testns.svc.cluster.local.", A),
        NxDomain("hdlsempty.testns.svc.cluster.local.", Srv),
        NxDomain("hdlsempty.testns.svc.cluster.local.", Txt),
        NxDomain("hdlsnotready.testns.svc.cluster.local.", A),
        NoData("hdls6.testns.svc.cluster.local.", A),
        new DnsCase("hdls6.testns.svc.cluster.local.", Aaaa)
        {
            Answer = ["hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1", "hdls6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::"],
        },
        new DnsCase("hdls1.testns.svc.cluster.local.", A)
        {
            Answer =
            [
                "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            ],
        },
        new DnsCase("hdlsnoports.testns.svc.cluster.local.", A) { Answer = ["hdlsnoports.testns.svc.cluster.local. 5 IN A 172.0.0.20"] },
        NoData("hdlsnoports.testns.svc.cluster.local.", Srv),
        // Endpoint names (§2.7), also under ClusterIP services (pitfall 1).
        new DnsCase("ep1a.svc1.testns.svc.cluster.local.", A) { Answer = ["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"] },
        new DnsCase("172-0-0-11.svc1.testns.svc.cluster.local.", A) { Answer = ["172-0-0-11.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.11"] },
        NxDomain("svc1-pod-b.svc1.testns.svc.cluster.local.", A),
        new DnsCase("shared.hdls1.testns.svc.cluster.local.", A)
        {
            Answer = ["shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3", "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4"],
        },
        new DnsCase("172-0-0-2.hdls1.testns.svc.cluster.local.", A) { Answer = ["172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"] },
        NxDomain("172-0-0-9.hdls1.testns.svc.cluster.local.", A),
        NxDomain("nope.hdls1.testns.svc.cluster.local.", A),
        NoData("ep1a.svc1.testns.svc.cluster.local.", Aaaa),
        NoData("ep1a.svc1.testns.svc.cluster.local.", Txt),
        new DnsCase("5678-abcd--1.hdls6.testns.svc.cluster.local.", Aaaa) { Answer = ["5678-abcd--1.hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"] },
        new DnsCase("1234-abcd--0.hdls6.testns.svc.cluster.local.", Aaaa) { Answer = ["1234-abcd--0.hdls6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::"] },
        // Port and protocol names.
        NxDomain("_nope._tcp.svc1.testns.svc.cluster.local.", Srv),
        NxDomain("_http._udp.svc1.testns.svc.cluster.local.", Srv),
        NxDomain("_http._udp.svc1.testns.svc.cluster.local.", A),
        NxDomain("_http.svc1.testns.svc.cluster.local.", Srv),
        new DnsCase("_http._tcp.svc1.testns.svc.cluster.local.", A) { Answer = ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        new DnsCase("_http._tcp.hdls1.testns.svc.cluster.local.", A)
        {
            Answer =
            [
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            ],
        },
        // Too long.
        NxDomain("a.b.c.svc1.testns.svc.cluster.local.", A),
        NxDomain("a.b._http._tcp.svc1.testns.svc.cluster.local.", Srv),
        // Grammar: last label must be svc or pod.
        NxDomain("dns.cluster.local.", A),
        NxDomain("foo.cluster.local.", A),
        NxDomain("www.example.com.cluster.local.", A),
        NxDomain("svc1.testns.cluster.local.", A),
        NxDomain("svc1.testns.svc.testns.svc.cluster.local.", A),
        // ExternalName.
        new DnsCase("ext.testns.svc.cluster.local.", A)
        {
            Answer = ["ext.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.", "ext.interwebs.test. 300 IN A 203.0.113.10"],
        },
        new DnsCase("ext.testns.svc.cluster.local.", Aaaa)
        {
            Answer = ["ext.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.", "ext.interwebs.test. 300 IN AAAA 2001:db8::10"],
        },
        new DnsCase("ext.testns.svc.cluster.local.", Cname) { Answer = ["ext.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."] },
        NoData("ext.testns.svc.cluster.local.", Srv),
        NoData("ext.testns.svc.cluster.local.", Txt),
        NoData("ext.testns.svc.cluster.local.", Mx),
        NxDomain("x.ext.testns.svc.cluster.local.", A),
        NxDomain("_http._tcp.ext.testns.svc.cluster.local.", Srv),
        NxDomain("_http._tcp.ext.testns.svc.cluster.local.", A),
        NxDomain("extip.testns.svc.cluster.local.", A),
        NxDomain("extip.testns.svc.cluster.local.", Cname),
        new DnsCase("extin.testns.svc.cluster.local.", A)
        {
            Answer = ["extin.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.", "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        },
        NoData("extin.testns.svc.cluster.local.", Aaaa),
        // dns-version.
        new DnsCase("dns-version.cluster.local.", Txt) { Answer = ["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""], Authoritative = true },
        NxDomain("dns-version.cluster.local.", A),
        NxDomain("dns-version.cluster.local.", Srv),
        // SOA below the apex is always NODATA, existing or not (quirk).
        NoData("svc1.testns.svc.cluster.local.", Soa),
        NoData("nosvc.testns.svc.cluster.local.", Soa),
        NoData("foo.cluster.local.", Soa),
        // Reverse zones (§2.10).
        new DnsCase("1.0.0.10.in-addr.arpa.", Ptr) { Answer = ["1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."] },
        new DnsCase("3.0.0.10.in-addr.arpa.", Ptr) { Answer = ["3.0.0.10.in-addr.arpa. 5 IN PTR dual.testns.svc.cluster.local."] },
        new DnsCase("11.0.0.172.in-addr.arpa.", Ptr) { Answer = ["11.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-11.svc1.testns.svc.cluster.local."] },
        new DnsCase("1.0.0.172.in-addr.arpa.", Ptr) { Answer = ["1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local."] },
        new DnsCase("3.0.0.172.in-addr.arpa.", Ptr) { Answer = ["3.0.0.172.in-addr.arpa. 5 IN PTR shared.hdls1.testns.svc.cluster.local."] },
        new DnsCase("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", Ptr)
        {
            Answer = ["1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR svc6.testns.svc.cluster.local."],
        },
        new DnsCase("3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", Ptr)
        {
            Answer = ["3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR dual.testns.svc.cluster.local."],
        },
        new DnsCase("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.", Ptr)
        {
            Answer = ["1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa. 5 IN PTR 5678-abcd--1.hdls6.testns.svc.cluster.local."],
        },
        new DnsCase("9.9.9.99.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [ReverseSoaLine], Authoritative = true },
        new DnsCase("9.0.0.172.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [ReverseSoaLine] },
        new DnsCase("0.0.10.in-addr.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [ReverseSoaLine] },
        new DnsCase("1.0.0.10.in-addr.arpa.", A) { Rcode = ResponseCode.NxDomain, Ns = [ReverseSoaLine] },
        new DnsCase("1.0.0.10.in-addr.arpa.", Txt) { Rcode = ResponseCode.NxDomain, Ns = [ReverseSoaLine] },
        new DnsCase("in-addr.arpa.", Soa) { Answer = [ReverseSoaLine] },
        new DnsCase("in-addr.arpa.", A) { Ns = [ReverseSoaLine] },
        new DnsCase("in-addr.arpa.", Ptr) { Ns = [ReverseSoaLine] },
        new DnsCase("ip6.arpa.", Soa) { Answer = [Reverse6SoaLine] },
        new DnsCase("0.0.0.0.ip6.arpa.", Ptr) { Rcode = ResponseCode.NxDomain, Ns = [Reverse6SoaLine] },
        // PTR in the forward zone: existing name NODATA, else NXDOMAIN.
        NxDomain("nosvc.testns.svc.cluster.local.", Ptr),
    };

    [Theory]
    [MemberData(nameof(DecisionTable))]
    public async Task Lookup_DecisionTable_MatchesCoreDns(DnsCase c)
    {
        var h = K8sHarness.Create();
        DnsAssert.Matches(c, await h.QueryAsync(c));
    }

    public static TheoryData<DnsCase> SrvTable => new()
    {
        // ClusterIP: one entry per port x cluster IP, service port.
        new DnsCase("svc1.testns.svc.cluster.local.", Srv)
        {
            Answer = ["svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
            Extra = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        },
        new DnsCase("_http._tcp.svc1.testns.svc.cluster.local.", Srv)
        {
            Answer = ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
            Extra = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        },
        new DnsCase("_HTTP._TCP.svc1.testns.svc.cluster.local.", Srv)
        {
            Answer = ["_HTTP._TCP.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
            Extra = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        },
        // Endpoint name under a ClusterIP service: EndpointSlice (target) port.
        new DnsCase("ep1a.svc1.testns.svc.cluster.local.", Srv)
        {
            Answer = ["ep1a.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 8080 ep1a.svc1.testns.svc.cluster.local."],
            Extra = ["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"],
        },
        // Dual-stack: two entries (weight 50), one SRV, A and AAAA glue.
        new DnsCase("dual.testns.svc.cluster.local.", Srv)
        {
            Answer = ["dual.testns.svc.cluster.local. 5 IN SRV 0 50 80 dual.testns.svc.cluster.local."],
            Extra = ["dual.testns.svc.cluster.local. 5 IN A 10.0.0.3", "dual.testns.svc.cluster.local. 5 IN AAAA fd00::3"],
        },
        // 53/UDP and 53/TCP: two entries, one SRV (dedup by target and port).
        new DnsCase("dns53.testns.svc.cluster.local.", Srv)
        {
            Answer = ["dns53.testns.svc.cluster.local. 5 IN SRV 0 50 53 dns53.testns.svc.cluster.local."],
            Extra = ["dns53.testns.svc.cluster.local. 5 IN A 10.0.0.4"],
        },
        new DnsCase("_dns._udp.dns53.testns.svc.cluster.local.", Srv)
        {
            Answer = ["_dns._udp.dns53.testns.svc.cluster.local. 5 IN SRV 0 100 53 dns53.testns.svc.cluster.local."],
            Extra = ["dns53.testns.svc.cluster.local. 5 IN A 10.0.0.4"],
        },
        // Bare name: every port, including unnamed ones.
        new DnsCase("multi.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "multi.testns.svc.cluster.local. 5 IN SRV 0 33 80 multi.testns.svc.cluster.local.",
                "multi.testns.svc.cluster.local. 5 IN SRV 0 33 443 multi.testns.svc.cluster.local.",
                "multi.testns.svc.cluster.local. 5 IN SRV 0 33 8081 multi.testns.svc.cluster.local.",
            ],
            Extra = ["multi.testns.svc.cluster.local. 5 IN A 10.0.0.6"],
        },
        // "_" strips to an empty port name, which matches every port (quirk).
        new DnsCase("_._tcp.multi.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "_._tcp.multi.testns.svc.cluster.local. 5 IN SRV 0 33 80 multi.testns.svc.cluster.local.",
                "_._tcp.multi.testns.svc.cluster.local. 5 IN SRV 0 33 443 multi.testns.svc.cluster.local.",
                "_._tcp.multi.testns.svc.cluster.local. 5 IN SRV 0 33 8081 multi.testns.svc.cluster.local.",
            ],
            Extra = ["multi.testns.svc.cluster.local. 5 IN A 10.0.0.6"],
        },
        // Headless: 3 ready addresses x 2 ports = 6 entries -> weight 16; "shared" hostname dedups SRV, not glue.
        new DnsCase("hdls1.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.",
                "hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 443 172-0-0-2.hdls1.testns.svc.cluster.local.",
                "hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 shared.hdls1.testns.svc.cluster.local.",
                "hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 443 shared.hdls1.testns.svc.cluster.local.",
            ],
            Extra =
            [
                "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            ],
        },
        new DnsCase("_https._tcp.hdls1.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "_https._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 443 172-0-0-2.hdls1.testns.svc.cluster.local.",
                "_https._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 443 shared.hdls1.testns.svc.cluster.local.",
            ],
            Extra =
            [
                "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            ],
        },
        new DnsCase("shared.hdls1.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "shared.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 shared.hdls1.testns.svc.cluster.local.",
                "shared.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 443 shared.hdls1.testns.svc.cluster.local.",
            ],
            Extra = ["shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3", "shared.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4"],
        },
        new DnsCase("hdls6.testns.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "hdls6.testns.svc.cluster.local. 5 IN SRV 0 50 8080 5678-abcd--1.hdls6.testns.svc.cluster.local.",
                "hdls6.testns.svc.cluster.local. 5 IN SRV 0 50 8080 1234-abcd--0.hdls6.testns.svc.cluster.local.",
            ],
            Extra =
            [
                "5678-abcd--1.hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
                "1234-abcd--0.hdls6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::",
            ],
        },
        new DnsCase("kube-dns.kube-system.svc.cluster.local.", Srv)
        {
            Answer =
            [
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 33 53 kube-dns.kube-system.svc.cluster.local.",
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 33 9153 kube-dns.kube-system.svc.cluster.local.",
            ],
            Extra = ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"],
        },
    };

    [Theory]
    [MemberData(nameof(SrvTable))]
    public async Task Srv_WeightsDedupAndGlue_MatchCoreDns(DnsCase c)
    {
        var h = K8sHarness.Create();
        DnsAssert.Matches(c with { Authoritative = true }, await h.QueryAsync(c));
    }

    public static TheoryData<DnsCase> CaseTable => new()
    {
        new DnsCase("SvC1.TeStNs.SvC.cLuStEr.LoCaL.", A) { Answer = ["SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1"] },
        new DnsCase("svc1.testns.svc.cLuStEr.LoCaL.", Srv)
        {
            Answer = ["svc1.testns.svc.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL."],
            Extra = ["svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1"],
        },
        new DnsCase("HDLS1.testns.svc.Cluster.Local.", Srv)
        {
            Answer =
            [
                "HDLS1.testns.svc.Cluster.Local. 5 IN SRV 0 16 80 172-0-0-2.hdls1.testns.svc.Cluster.Local.",
                "HDLS1.testns.svc.Cluster.Local. 5 IN SRV 0 16 443 172-0-0-2.hdls1.testns.svc.Cluster.Local.",
                "HDLS1.testns.svc.Cluster.Local. 5 IN SRV 0 16 80 shared.hdls1.testns.svc.Cluster.Local.",
                "HDLS1.testns.svc.Cluster.Local. 5 IN SRV 0 16 443 shared.hdls1.testns.svc.Cluster.Local.",
            ],
            Extra =
            [
                "172-0-0-2.hdls1.testns.svc.Cluster.Local. 5 IN A 172.0.0.2",
                "shared.hdls1.testns.svc.Cluster.Local. 5 IN A 172.0.0.3",
                "shared.hdls1.testns.svc.Cluster.Local. 5 IN A 172.0.0.4",
            ],
        },
        new DnsCase("EP1A.svc1.testns.svc.cluster.local.", A) { Answer = ["EP1A.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"] },
        new DnsCase("nosvc.testns.svc.cLuStEr.LoCaL.", A)
        {
            Rcode = ResponseCode.NxDomain,
            Ns = ["cLuStEr.LoCaL. 5 IN SOA ns.dns.cLuStEr.LoCaL. hostmaster.cLuStEr.LoCaL. 1499347823 7200 1800 86400 5"],
        },
        new DnsCase("svc1.testns.svc.CLUSTER.local.", Aaaa)
        {
            Ns = ["CLUSTER.local. 5 IN SOA ns.dns.CLUSTER.local. hostmaster.CLUSTER.local. 1499347823 7200 1800 86400 5"],
        },
        new DnsCase("Cluster.Local.", Soa) { Answer = ["Cluster.Local. 5 IN SOA ns.dns.Cluster.Local. hostmaster.Cluster.Local. 1499347823 7200 1800 86400 5"] },
        new DnsCase("DNS-VERSION.cluster.local.", Txt) { Answer = ["DNS-VERSION.cluster.local. 28800 IN TXT \"1.1.0\""] },
        new DnsCase("1.0.0.10.IN-ADDR.ARPA.", Ptr) { Answer = ["1.0.0.10.IN-ADDR.ARPA. 5 IN PTR svc1.testns.svc.cluster.local."] },
        new DnsCase("EXT.testns.svc.Cluster.Local.", A)
        {
            Answer = ["EXT.testns.svc.Cluster.Local. 5 IN CNAME ext.interwebs.test.", "ext.interwebs.test. 300 IN A 203.0.113.10"],
        },
    };

    [Theory]
    [MemberData(nameof(CaseTable))]
    public async Task Lookup_MixedCaseQuestion_KeepsQuestionSpelling(DnsCase c)
    {
        var h = K8sHarness.Create();
        DnsAssert.Matches(c with { Authoritative = true }, await h.QueryAsync(c));
    }

    [Fact]
    public async Task Lookup_PositiveAnswer_HasAaNoRaNoAuthority()
    {
        var h = K8sHarness.Create();
        var r = await h.QueryAsync(new DnsCase("svc1.testns.svc.cluster.local.", A));
        Assert.NotNull(r);
        Assert.True(r.AuthoritativeAnswer);
        Assert.False(r.RecursionAvailable);
        Assert.True(r.IsResponse);
        Assert.Empty(r.Authority);
        Assert.Equal(4242, r.Id);
    }

    [Theory]
    [InlineData(Axfr)]
    [InlineData(Ixfr)]
    public async Task Lookup_ZoneTransfer_RefusedUnwritten(DnsRecordType type)
    {
        var h = K8sHarness.Create();
        var r = await h.QueryAsync(new DnsCase("cluster.local.", type));
        DnsAssert.Matches(new DnsCase("cluster.local.", type) { Rcode = ResponseCode.Refused, Authoritative = false }, r);
    }

    [Fact]
    public async Task Lookup_OutsideZones_CallsNext()
    {
        var h = K8sHarness.Create(zones: "cluster.local");
        var c = new DnsCase("example.org.", A) { Answer = [K8sHarness.NextLine("example.org.")] };
        DnsAssert.Matches(c, await h.QueryAsync(c));
        var c2 = new DnsCase("1.0.0.10.in-addr.arpa.", Ptr) { Answer = [K8sHarness.NextLine("1.0.0.10.in-addr.arpa.")] };
        DnsAssert.Matches(c2, await h.QueryAsync(c2));
    }

    [Fact]
    public async Task Lookup_ExternalNameWithoutResolver_DropsCnameNoData()
    {
        var h = K8sHarness.Create(withResolver: false);
        DnsAssert.Matches(NoData("ext.testns.svc.cluster.local.", A), await h.QueryAsync(new DnsCase("ext.testns.svc.cluster.local.", A)));
    }

    [Fact]
    public async Task Lookup_ExternalNameUpstreamTruncated_PropagatesTc()
    {
        var snap = new Data.ClusterSnapshot(
            [.. TestCluster.Services, TestCluster.External("testns", "big", "big.interwebs.test")],
            TestCluster.Slices, TestCluster.Pods, TestCluster.Namespaces, TestCluster.Serial, true);
        var h = K8sHarness.Create(snapshot: snap);
        var c = new DnsCase("big.testns.svc.cluster.local.", A)
        {
            Answer = ["big.testns.svc.cluster.local. 5 IN CNAME big.interwebs.test.", "big.interwebs.test. 60 IN A 203.0.113.20"],
        };
        var r = await h.QueryAsync(c);
        DnsAssert.Matches(c, r);
        Assert.True(r!.Truncated);
    }

    [Fact]
    public async Task Lookup_SnapshotSwapped_AnswersFromNewSnapshot()
    {
        var h = K8sHarness.Create();
        var c = new DnsCase("svc1.testns.svc.cluster.local.", A) { Answer = ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] };
        DnsAssert.Matches(c, await h.QueryAsync(c));
        h.Source.Set(new Data.ClusterSnapshot([], [], [], TestCluster.Namespaces, 7, true));
        var gone = new DnsCase("svc1.testns.svc.cluster.local.", A)
        {
            Rcode = ResponseCode.NxDomain,
            Ns = ["cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 7 7200 1800 86400 5"],
        };
        DnsAssert.Matches(gone, await h.QueryAsync(gone));
    }

    [Fact]
    public void Plugin_IsReady_FollowsSnapshotSync()
    {
        var h = K8sHarness.Create(snapshot: TestCluster.Snapshot(synced: false));
        Assert.False(h.Plugin.IsReady);
        Assert.Equal("kubernetes", ((Core.Pipeline.IReadinessCheck)h.Plugin).Name);
        h.Source.Set(TestCluster.Snapshot());
        Assert.True(h.Plugin.IsReady);
    }

    [Fact]
    public async Task StartAsync_SyncsWithinTimeout_StartsSource()
    {
        var h = K8sHarness.Create(body: "startup_timeout 10s", snapshot: TestCluster.Snapshot(synced: false));
        var start = h.Plugin.StartAsync(CancellationToken.None);
        Assert.False(start.IsCompleted);
        h.Source.Set(TestCluster.Snapshot());
        await start.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, h.Source.StartCalls);
    }

    [Fact]
    public async Task StartAsync_NeverSynced_ReturnsAfterTimeout()
    {
        var h = K8sHarness.Create(body: "startup_timeout 50ms", snapshot: TestCluster.Snapshot(synced: false));
        await h.Plugin.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(h.Plugin.IsReady);
    }

    internal static IPAddress Ip(string s) => IPAddress.Parse(s);
}
