using System.Reflection;
using Dns.Core.Metrics;

namespace Dns.Server.Hosting;

/// <summary>
/// CoreDNS's server-wide metric families (<c>plugin/metrics/vars</c>) in one registry. Label names are declared in
/// alphabetical order because Prometheus' Go client prints them that way, so scrapes look exactly like CoreDNS's.
/// </summary>
internal sealed class CoreMetrics
{
    public CoreMetrics(MetricsRegistry registry)
    {
        Registry = registry;
        Requests = registry.Counter("coredns_dns_requests_total", "Counter of DNS requests made per zone, protocol and family.", "family", "proto", "server", "type", "view", "zone");
        Duration = registry.Histogram("coredns_dns_request_duration_seconds", "Histogram of the time (in seconds) each request took per zone.", HistogramFamily.TimeBuckets, "server", "type", "view", "zone");
        RequestSize = registry.Histogram("coredns_dns_request_size_bytes", "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.", HistogramFamily.SizeBuckets, "proto", "server", "view", "zone");
        ResponseSize = registry.Histogram("coredns_dns_response_size_bytes", "Size of the returned response in bytes.", HistogramFamily.SizeBuckets, "proto", "server", "view", "zone");
        DoRequests = registry.Counter("coredns_dns_do_requests_total", "Counter of DNS requests with DO bit set per zone.", "server", "view", "zone");
        Responses = registry.Counter("coredns_dns_responses_total", "Counter of response status codes.", "plugin", "rcode", "server", "view", "zone");
        PluginEnabled = registry.Gauge("coredns_plugin_enabled", "A metric that indicates whether a plugin is enabled on per server and zone basis.", "name", "server", "view", "zone");
        Panics = registry.Counter("coredns_panics_total", "A metrics that counts the number of panics.");
        Panics.WithLabels();
        BuildInfo = registry.Gauge("coredns_build_info", "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.", "goversion", "revision", "version");
        BuildInfo.WithLabels("dotnet" + Environment.Version, Revision(), DnsServerHost.CompatibleVersion).Set(1);
    }

    public MetricsRegistry Registry { get; }

    public CounterFamily Requests { get; }

    public HistogramFamily Duration { get; }

    public HistogramFamily RequestSize { get; }

    public HistogramFamily ResponseSize { get; }

    public CounterFamily DoRequests { get; }

    public CounterFamily Responses { get; }

    public GaugeFamily PluginEnabled { get; }

    public CounterFamily Panics { get; }

    public GaugeFamily BuildInfo { get; }

    private static string Revision()
    {
        var info = typeof(CoreMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = info.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? info[(plus + 1)..] : "";
    }
}
