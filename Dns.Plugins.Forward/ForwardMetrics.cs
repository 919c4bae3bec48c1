using Dns.Core.Metrics;

namespace Dns.Plugins.Forward;

/// <summary>CoreDNS's forward and proxy metric families (names and labels as in <c>plugin/forward</c> and <c>plugin/pkg/proxy</c>).</summary>
internal sealed class ForwardMetrics
{
    public const string ProxyName = "forward";

    public ForwardMetrics(MetricsRegistry registry)
    {
        RequestDuration = registry.Histogram(
            "coredns_proxy_request_duration_seconds", "Histogram of the time each request took.",
            HistogramFamily.TimeBuckets, "proxy_name", "to", "rcode");
        HealthcheckFailures = registry.Counter(
            "coredns_proxy_healthcheck_failures_total", "Counter of the number of failed healthchecks.", "proxy_name", "to");
        ConnCacheHits = registry.Counter(
            "coredns_proxy_conn_cache_hits_total", "Counter of connection cache hits per upstream and protocol.", "proxy_name", "to", "proto");
        ConnCacheMisses = registry.Counter(
            "coredns_proxy_conn_cache_misses_total", "Counter of connection cache misses per upstream and protocol.", "proxy_name", "to", "proto");
        MaxConcurrentRejects = registry.Counter(
            "coredns_forward_max_concurrent_rejects_total", "Counter of the number of queries rejected because the concurrent queries were at maximum.")
            .WithLabels();
        HealthcheckBroken = registry.Counter(
            "coredns_forward_healthcheck_broken_total", "Counter of the number of complete failures of the healthchecks.")
            .WithLabels();
    }

    public HistogramFamily RequestDuration { get; }

    public CounterFamily HealthcheckFailures { get; }

    public CounterFamily ConnCacheHits { get; }

    public CounterFamily ConnCacheMisses { get; }

    public Counter MaxConcurrentRejects { get; }

    public Counter HealthcheckBroken { get; }
}
