using Dns.Core.Metrics;

namespace Dns.Server.Hosting;

/// <summary>Server-wide metrics that exist whether or not <c>prometheus</c> is configured.</summary>
internal static class ServerMetrics
{
    /// <summary><c>coredns_panics_total</c>: exceptions caught at the transport.</summary>
    public static readonly Counter Panics =
        MetricsRegistry.Default.Counter("coredns_panics_total", "A metrics that counts the number of panics.").WithLabels();
}
