using System.Diagnostics;
using Dns.Core.Metrics;

namespace Dns.Server.Hosting;

/// <summary>The request metrics of one kept reply, resolved once (<see cref="RequestMetrics.Prepare"/>).</summary>
internal sealed class ReplayReport(Counter requests, Histogram duration, Histogram requestSizes, Histogram responseSizes, Counter responses, Counter? dnssecOk)
{
    /// <summary>Counts one replay as <see cref="RequestMetrics.Observe"/> counts a query that ran the chain.</summary>
    public void Report(long startTimestamp, int requestSize, int responseSize)
    {
        dnssecOk?.Inc();
        requests.Inc();
        duration.Observe(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        responseSizes.Observe(responseSize);
        requestSizes.Observe(requestSize);
        responses.Inc();
    }
}
