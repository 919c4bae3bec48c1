using Dns.Core.Metrics;

namespace Dns.Core.Tests.Metrics;

/// <summary>Counters and histograms keep a cell per processor: every increment from every thread must still add up.</summary>
public sealed class StripedMetricsTests
{
    [Fact]
    public void Counter_ManyThreads_SumOfAllIncrements()
    {
        var registry = new MetricsRegistry();
        var c = registry.Counter("test_total", "help").WithLabels();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                c.Inc();
            }
        });
        c.Inc(0.5);
        Assert.Equal(800_000.5, c.Value);
        Assert.Contains("test_total 800000.5", registry.Export(), StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_ManyThreads_CountsSumAndBucketsAddUp()
    {
        var registry = new MetricsRegistry();
        var h = registry.Histogram("test_seconds", "help", [0.1, 1]).WithLabels();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                h.Observe(0.05);
                h.Observe(0.5);
                h.Observe(5);
            }
        });
        Assert.Equal(240_000, h.Count);
        Assert.Equal(80_000 * 5.55, h.Sum, 3);
        var text = registry.Export();
        Assert.Contains("test_seconds_bucket{le=\"0.1\"} 80000", text, StringComparison.Ordinal);
        Assert.Contains("test_seconds_bucket{le=\"1\"} 160000", text, StringComparison.Ordinal);
        Assert.Contains("test_seconds_bucket{le=\"+Inf\"} 240000", text, StringComparison.Ordinal);
        Assert.Contains("test_seconds_count 240000", text, StringComparison.Ordinal);
    }
}
