using System.Diagnostics;
using System.Globalization;
using Dns.Core.Metrics;

namespace Dns.Server.Hosting;

/// <summary>
/// With <c>DNS_BENCH_STATS=1</c> in the environment, prints a line every 250 ms to standard error:
/// <c>stats t=&lt;ms&gt; q=&lt;replies&gt; alloc=&lt;bytes&gt; gen0= gen1= gen2= pause_ms= heap= committed= frag= threads=</c>, the format the
/// benchmark runner (shared/bench/peers/bench.py) reads to report allocated bytes per query and collections during
/// a run. Off by default: a benchmark aid, not an operator feature.
/// </summary>
internal sealed class BenchStats : IDisposable
{
    /// <summary>Replies sent (UDP and TCP); counted always, it costs one uncontended increment.</summary>
    public static readonly Counter Replies = new MetricsRegistry().Counter("replies", "not exported").WithLabels();

    private readonly Timer _timer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TextWriter _output;

    private BenchStats(TextWriter output)
    {
        _output = output;
        _timer = new Timer(static s => ((BenchStats)s!).Print(), this, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Starts printing when the environment asks for it; null otherwise.</summary>
    public static BenchStats? StartIfRequested(Func<TextWriter> output) =>
        Environment.GetEnvironmentVariable("DNS_BENCH_STATS") == "1" ? new BenchStats(output()) : null;

    private void Print()
    {
        var info = GC.GetGCMemoryInfo();
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stats t={_clock.ElapsedMilliseconds} q={Replies.Value:0} alloc={GC.GetTotalAllocatedBytes()} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} pause_ms={GC.GetTotalPauseDuration().TotalMilliseconds:0.###} heap={info.HeapSizeBytes} committed={info.TotalCommittedBytes} frag={info.FragmentedBytes} threads={ThreadPool.ThreadCount}"));
        _output.Flush();
    }

    public void Dispose() => _timer.Dispose();
}
