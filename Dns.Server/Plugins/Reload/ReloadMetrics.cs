using Dns.Core.Metrics;

namespace Dns.Server.Plugins.Reload;

/// <summary><c>coredns_reload_failed_total</c> and <c>coredns_reload_version_info{hash, value}</c>.</summary>
internal sealed class ReloadMetrics
{
    public ReloadMetrics(MetricsRegistry registry)
    {
        Failed = registry.Counter("coredns_reload_failed_total", "Counter of the number of failed reload attempts.").WithLabels();
        VersionInfo = registry.Gauge("coredns_reload_version_info", "A metric with a constant '1' value labeled by hash, and value which type of hash generated.", "hash", "value");
    }

    public Counter Failed { get; }

    public GaugeFamily VersionInfo { get; }
}
