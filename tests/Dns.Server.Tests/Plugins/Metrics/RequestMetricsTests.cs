using System.Net;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;

namespace Dns.Server.Tests.Plugins.Metrics;

public sealed class RequestMetricsTests
{
    [Theory]
    [InlineData(DnsRecordType.A, "A")]
    [InlineData(DnsRecordType.Aaaa, "AAAA")]
    [InlineData(DnsRecordType.Srv, "SRV")]
    [InlineData(DnsRecordType.Https, "HTTPS")]
    [InlineData(DnsRecordType.Axfr, "AXFR")]
    [InlineData(DnsRecordType.Any, "ANY")]
    [InlineData(DnsRecordType.Hinfo, "other")]
    [InlineData((DnsRecordType)64, "other")]
    public void TypeIndex_CoreDnsMonitoredTypes_KeepTheirNameOthersAreOther(DnsRecordType type, string label)
    {
        Assert.Equal(label, RequestMetrics.TypeLabels[RequestMetrics.TypeIndex(type)]);
    }

    [Fact]
    public void Observe_ZoneWithPrometheus_CountsWithCoreDnsLabels()
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", ["example.org."]);
        var ctx = Context("www.example.org.", DnsRecordType.A, "example.org.", ResponseCode.NoError, "whoami", doBit: true);
        m.Observe(ctx);
        m.Observe(ctx);
        var text = registry.Export();
        Assert.Contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:53\",type=\"A\",view=\"\",zone=\"example.org.\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_responses_total{plugin=\"whoami\",rcode=\"NOERROR\",server=\"dns://:53\",view=\"\",zone=\"example.org.\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_do_requests_total{server=\"dns://:53\",view=\"\",zone=\"example.org.\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_request_duration_seconds_count{server=\"dns://:53\",type=\"A\",view=\"\",zone=\"example.org.\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_request_size_bytes_count{proto=\"udp\",server=\"dns://:53\",view=\"\",zone=\"example.org.\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_response_size_bytes_sum{proto=\"udp\",server=\"dns://:53\",view=\"\",zone=\"example.org.\"} 200", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_ZoneWithoutPrometheus_NotCounted()
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", []);
        m.Observe(Context("www.example.org.", DnsRecordType.A, "example.org.", ResponseCode.NoError, "whoami"));
        Assert.DoesNotContain("coredns_dns_requests_total{", registry.Export(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ResponseCode.Refused, true)]
    [InlineData(ResponseCode.FormErr, false)]
    [InlineData(ResponseCode.BadVers, false)]
    public void Observe_Dropped_OnlyRefusedIsCounted(ResponseCode code, bool counted)
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", []);
        m.Observe(Context("example.com.", DnsRecordType.Mx, "dropped", code, null));
        var text = registry.Export();
        Assert.Equal(counted, text.Contains("coredns_dns_responses_total{plugin=\"\",rcode=\"REFUSED\",server=\"dns://:53\",view=\"\",zone=\"dropped\"} 1", StringComparison.Ordinal));
        Assert.Equal(counted, text.Contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:53\",type=\"MX\",view=\"\",zone=\"dropped\"} 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Observe_RefusedForClass_NotCounted()
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", []);
        var q = DnsMessage.CreateQuery(DnsName.Parse("version.bind."), DnsRecordType.Txt, @class: DnsClass.Ch);
        var ctx = new DnsContext(q, DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5353)) { Zone = "dropped" };
        ctx.Response = q.CreateErrorResponse(ResponseCode.Refused);
        m.Observe(ctx);
        Assert.DoesNotContain("zone=\"dropped\"", registry.Export(), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_FailedWithoutWrite_PluginLabelEmpty()
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", ["."]);
        var ctx = Context("a.", DnsRecordType.A, ".", ResponseCode.ServFail, "whoami");
        ctx.Error = "plugin/whoami: no next plugin found";
        m.Observe(ctx);
        Assert.Contains("coredns_dns_responses_total{plugin=\"\",rcode=\"SERVFAIL\",server=\"dns://:53\",view=\"\",zone=\".\"} 1", registry.Export(), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Ipv6Tcp_FamilyTwoProtoTcp()
    {
        var registry = new MetricsRegistry();
        var m = new RequestMetrics(new CoreMetrics(registry), "dns://:53", ["."]);
        var ctx = Context("a.", DnsRecordType.Txt, ".", ResponseCode.NxDomain, "file", transport: DnsTransport.Tcp, remote: IPAddress.IPv6Loopback);
        m.Observe(ctx);
        var text = registry.Export();
        Assert.Contains("coredns_dns_requests_total{family=\"2\",proto=\"tcp\",server=\"dns://:53\",type=\"TXT\",view=\"\",zone=\".\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("coredns_dns_responses_total{plugin=\"file\",rcode=\"NXDOMAIN\",server=\"dns://:53\",view=\"\",zone=\".\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CoreMetrics_BuildInfo_HasVersionLabels()
    {
        var registry = new MetricsRegistry();
        _ = new CoreMetrics(registry);
        Assert.Matches("coredns_build_info\\{goversion=\"dotnet[0-9.]+\",revision=\"[^\"]*\",version=\"" + DnsServerHost.CompatibleVersion.Replace(".", "\\.", StringComparison.Ordinal) + "\"\\} 1", registry.Export());
    }

    private static DnsContext Context(string name, DnsRecordType type, string zone, ResponseCode code, string? plugin, bool doBit = false, DnsTransport transport = DnsTransport.Udp, IPAddress? remote = null)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), type);
        if (doBit)
        {
            q.Opt = new OptRecord { UdpPayloadSize = 1232, DnssecOk = true };
        }
        var ctx = new DnsContext(q, transport, new IPEndPoint(remote ?? IPAddress.Loopback, 5353))
        {
            Zone = zone,
            RequestSize = 40,
            ResponseSize = 100,
            StartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp(),
        };
        ctx.Response = q.CreateErrorResponse(code);
        ctx.ResponsePlugin = plugin;
        return ctx;
    }
}
