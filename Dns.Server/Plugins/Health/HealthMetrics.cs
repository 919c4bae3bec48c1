using Dns.Core.Metrics;

namespace Dns.Server.Plugins.Health;

/// <summary>The self-check metrics (no <c>server</c> label: being overloaded is a property of the process).</summary>
internal sealed class HealthMetrics
{
    /// <summary>CoreDNS's <c>plugin.SlimTimeBuckets</c>: 0.25 ms times 10, five buckets.</summary>
    public static readonly double[] SlimTimeBuckets = HistogramFamily.ExponentialBuckets(0.00025, 10, 5);

    public HealthMetrics(MetricsRegistry registry)
    {
        Duration = registry.Histogram("coredns_health_request_duration_seconds", "Histogram of the time (in seconds) each request took.", SlimTimeBuckets).WithLabels();
        Failures = registry.Counter("coredns_health_request_failures_total", "The number of times the health check failed.").WithLabels();
    }

    public Histogram Duration { get; }

    public Counter Failures { get; }
}
