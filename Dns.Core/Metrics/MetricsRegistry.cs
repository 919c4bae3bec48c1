using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Dns.Core.Metrics;

/// <summary>
/// Process-wide metrics in Prometheus text format (exposition format 0.0.4). Families are created once; children
/// (one label-value set) are looked up once and kept by the caller on hot paths, so an update is one interlocked add.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    /// <summary>The registry of the process (metrics survive a reload, as in CoreDNS).</summary>
    public static MetricsRegistry Default { get; } = new();

    /// <summary>Gets or creates a counter family.</summary>
    public CounterFamily Counter(string name, string help, params string[] labelNames) =>
        Get(name, () => new CounterFamily(name, help, labelNames));

    /// <summary>Gets or creates a gauge family.</summary>
    public GaugeFamily Gauge(string name, string help, params string[] labelNames) =>
        Get(name, () => new GaugeFamily(name, help, labelNames));

    /// <summary>Gets or creates a histogram family with upper bounds <paramref name="buckets"/>.</summary>
    public HistogramFamily Histogram(string name, string help, double[] buckets, params string[] labelNames) =>
        Get(name, () => new HistogramFamily(name, help, buckets, labelNames));

    /// <summary>All families, sorted by name.</summary>
    public IReadOnlyList<MetricFamily> Families
    {
        get
        {
            var list = new List<MetricFamily>(_families.Values);
            list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            return list;
        }
    }

    /// <summary>Writes every family in text format.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var f in Families)
        {
            f.WriteTo(writer);
        }
    }

    /// <summary>The whole exposition as a string.</summary>
    public string Export()
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        WriteTo(sw);
        return sw.ToString();
    }

    private T Get<T>(string name, Func<T> create)
        where T : MetricFamily
    {
        var f = _families.GetOrAdd(name, _ => create());
        return f as T ?? throw new InvalidOperationException($"metric {name} already registered as {f.GetType().Name}");
    }
}

/// <summary>A named metric with its label names and children.</summary>
public abstract class MetricFamily
{
    /// <summary>Creates the family.</summary>
    protected MetricFamily(string name, string help, string[] labelNames)
    {
        Name = name;
        Help = help;
        LabelNames = labelNames;
    }

    /// <summary>Metric name.</summary>
    public string Name { get; }

    /// <summary>HELP text.</summary>
    public string Help { get; }

    /// <summary>Label names.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>TYPE.</summary>
    public abstract string Type { get; }

    /// <summary>Writes HELP, TYPE and every child.</summary>
    public void WriteTo(TextWriter w)
    {
        w.Write("# HELP ");
        w.Write(Name);
        w.Write(' ');
        w.Write(Help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        w.Write('\n');
        w.Write("# TYPE ");
        w.Write(Name);
        w.Write(' ');
        w.Write(Type);
        w.Write('\n');
        WriteSamples(w);
    }

    /// <summary>Writes the samples.</summary>
    protected abstract void WriteSamples(TextWriter w);

    /// <summary>Key for a label-value set.</summary>
    protected string Key(string[] values)
    {
        if (values.Length != LabelNames.Count)
        {
            throw new ArgumentException($"metric {Name} takes {LabelNames.Count} label values, got {values.Length}");
        }
        return values.Length switch
        {
            0 => "",
            1 => values[0],
            _ => string.Join('\u0001', values),
        };
    }

    /// <summary>Formats <c>{a="x",b="y"}</c> (empty without labels); <paramref name="extra"/> is appended (the <c>le</c> label).</summary>
    protected string FormatLabels(string[] values, string? extra = null)
    {
        if (values.Length == 0 && extra is null)
        {
            return "";
        }
        var sb = new StringBuilder("{");
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(LabelNames[i]).Append("=\"").Append(Escape(values[i])).Append('"');
        }
        if (extra is not null)
        {
            if (values.Length > 0)
            {
                sb.Append(',');
            }
            sb.Append(extra);
        }
        sb.Append('}');
        return sb.ToString();
    }

    /// <summary>Prometheus float formatting.</summary>
    protected static string FormatValue(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>A family of counters.</summary>
public sealed class CounterFamily : MetricFamily
{
    private readonly ConcurrentDictionary<string, LabeledChild<Counter>> _children = new(StringComparer.Ordinal);

    internal CounterFamily(string name, string help, string[] labelNames) : base(name, help, labelNames)
    {
    }

    /// <inheritdoc/>
    public override string Type => "counter";

    /// <summary>The child for these label values (created at 0).</summary>
    public Counter WithLabels(params string[] values)
    {
        var key = Key(values);
        if (_children.TryGetValue(key, out var c))
        {
            return c.Metric;
        }
        return _children.GetOrAdd(key, _ => new((string[])values.Clone(), new Counter())).Metric;
    }

    /// <inheritdoc/>
    protected override void WriteSamples(TextWriter w)
    {
        var list = new List<LabeledChild<Counter>>(_children.Values);
        list.Sort(static (a, b) => string.CompareOrdinal(string.Join('\u0001', a.Values), string.Join('\u0001', b.Values)));
        foreach (var (values, counter) in list)
        {
            w.Write(Name);
            w.Write(FormatLabels(values));
            w.Write(' ');
            w.Write(FormatValue(counter.Value));
            w.Write('\n');
        }
    }
}

/// <summary>A family of gauges.</summary>
public sealed class GaugeFamily : MetricFamily
{
    private readonly ConcurrentDictionary<string, LabeledChild<Gauge>> _children = new(StringComparer.Ordinal);

    internal GaugeFamily(string name, string help, string[] labelNames) : base(name, help, labelNames)
    {
    }

    /// <inheritdoc/>
    public override string Type => "gauge";

    /// <summary>The child for these label values.</summary>
    public Gauge WithLabels(params string[] values)
    {
        var key = Key(values);
        if (_children.TryGetValue(key, out var c))
        {
            return c.Metric;
        }
        return _children.GetOrAdd(key, _ => new((string[])values.Clone(), new Gauge())).Metric;
    }

    /// <summary>Removes a child (a gauge for something that is gone).</summary>
    public void Remove(params string[] values) => _children.TryRemove(Key(values), out _);

    /// <inheritdoc/>
    protected override void WriteSamples(TextWriter w)
    {
        var list = new List<LabeledChild<Gauge>>(_children.Values);
        list.Sort(static (a, b) => string.CompareOrdinal(string.Join('\u0001', a.Values), string.Join('\u0001', b.Values)));
        foreach (var (values, gauge) in list)
        {
            w.Write(Name);
            w.Write(FormatLabels(values));
            w.Write(' ');
            w.Write(FormatValue(gauge.Value));
            w.Write('\n');
        }
    }
}

/// <summary>A family of histograms.</summary>
public sealed class HistogramFamily : MetricFamily
{
    private readonly double[] _buckets;
    private readonly ConcurrentDictionary<string, LabeledChild<Histogram>> _children = new(StringComparer.Ordinal);

    internal HistogramFamily(string name, string help, double[] buckets, string[] labelNames) : base(name, help, labelNames)
    {
        _buckets = buckets;
    }

    /// <summary>CoreDNS's duration buckets (<c>plugin.TimeBuckets</c>: 0.00025 s doubling 16 times).</summary>
    public static double[] TimeBuckets { get; } = ExponentialBuckets(0.00025, 2, 16);

    /// <summary>CoreDNS's size buckets (<c>plugin.SizeBuckets</c>).</summary>
    public static double[] SizeBuckets { get; } = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000];

    /// <summary><paramref name="count"/> buckets starting at <paramref name="start"/>, each <paramref name="factor"/> times the last.</summary>
    public static double[] ExponentialBuckets(double start, double factor, int count)
    {
        var b = new double[count];
        for (var i = 0; i < count; i++)
        {
            b[i] = start;
            start *= factor;
        }
        return b;
    }

    /// <inheritdoc/>
    public override string Type => "histogram";

    /// <summary>The child for these label values.</summary>
    public Histogram WithLabels(params string[] values)
    {
        var key = Key(values);
        if (_children.TryGetValue(key, out var c))
        {
            return c.Metric;
        }
        return _children.GetOrAdd(key, _ => new((string[])values.Clone(), new Histogram(_buckets))).Metric;
    }

    /// <inheritdoc/>
    protected override void WriteSamples(TextWriter w)
    {
        var list = new List<LabeledChild<Histogram>>(_children.Values);
        list.Sort(static (a, b) => string.CompareOrdinal(string.Join('\u0001', a.Values), string.Join('\u0001', b.Values)));
        foreach (var (values, h) in list)
        {
            var cumulative = 0L;
            var counts = h.SnapshotCounts();
            for (var i = 0; i < _buckets.Length; i++)
            {
                cumulative += counts[i];
                w.Write(Name);
                w.Write("_bucket");
                w.Write(FormatLabels(values, "le=\"" + FormatValue(_buckets[i]) + "\""));
                w.Write(' ');
                w.Write(cumulative.ToString(CultureInfo.InvariantCulture));
                w.Write('\n');
            }
            cumulative += counts[_buckets.Length];
            w.Write(Name);
            w.Write("_bucket");
            w.Write(FormatLabels(values, "le=\"+Inf\""));
            w.Write(' ');
            w.Write(cumulative.ToString(CultureInfo.InvariantCulture));
            w.Write('\n');
            w.Write(Name);
            w.Write("_sum");
            w.Write(FormatLabels(values));
            w.Write(' ');
            w.Write(FormatValue(h.Sum));
            w.Write('\n');
            w.Write(Name);
            w.Write("_count");
            w.Write(FormatLabels(values));
            w.Write(' ');
            w.Write(cumulative.ToString(CultureInfo.InvariantCulture));
            w.Write('\n');
        }
    }
}

/// <summary>
/// A value that only goes up; lock-free. Whole increments (the per-query case) go to one of a few cache-line-sized
/// cells chosen by the current processor, so threads on different cores do not contend for one line.
/// </summary>
public sealed class Counter
{
    private readonly long[] _cells = new long[Stripes.Count * Stripes.Stride];
    private long _bits;

    /// <summary>Current value.</summary>
    public double Value
    {
        get
        {
            long whole = 0;
            for (var i = 0; i < _cells.Length; i += Stripes.Stride)
            {
                whole += Interlocked.Read(ref _cells[i]);
            }
            return whole + BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));
        }
    }

    /// <summary>Adds one.</summary>
    public void Inc() => Interlocked.Increment(ref _cells[Stripes.Current() * Stripes.Stride]);

    /// <summary>Adds a whole <paramref name="count"/> (≥ 0) in one step.</summary>
    public void Add(long count) => Interlocked.Add(ref _cells[Stripes.Current() * Stripes.Stride], count);

    /// <summary>Adds <paramref name="amount"/> (≥ 0).</summary>
    public void Inc(double amount)
    {
        while (true)
        {
            var old = Interlocked.Read(ref _bits);
            var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(old) + amount);
            if (Interlocked.CompareExchange(ref _bits, updated, old) == old)
            {
                return;
            }
        }
    }
}

/// <summary>The per-processor cells of <see cref="Counter"/> and <see cref="Histogram"/>.</summary>
internal static class Stripes
{
    /// <summary>Longs per cache line: cells this far apart never share one.</summary>
    public const int Stride = 8;

    /// <summary>Cells per metric: the processor count rounded up to a power of two, at most 16.</summary>
    public static readonly int Count = (int)Math.Min(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount));

    private static readonly int Mask = Count - 1;

    /// <summary>The cell of the calling thread's current processor.</summary>
    public static int Current() => Thread.GetCurrentProcessorId() & Mask;
}

/// <summary>A value that goes up and down; lock-free.</summary>
public sealed class Gauge
{
    private long _bits;

    /// <summary>Current value.</summary>
    public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

    /// <summary>Sets the value.</summary>
    public void Set(double value) => Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Adds <paramref name="amount"/>.</summary>
    public void Inc(double amount = 1)
    {
        while (true)
        {
            var old = Interlocked.Read(ref _bits);
            var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(old) + amount);
            if (Interlocked.CompareExchange(ref _bits, updated, old) == old)
            {
                return;
            }
        }
    }

    /// <summary>Subtracts <paramref name="amount"/>.</summary>
    public void Dec(double amount = 1) => Inc(-amount);
}

/// <summary>
/// Observations counted into buckets; lock-free, with one row of buckets and a sum per processor cell (as
/// <see cref="Counter"/>) so concurrent observers do not contend.
/// </summary>
public sealed class Histogram
{
    private readonly double[] _bounds;
    private readonly int _row;
    private readonly long[] _cells;

    internal Histogram(double[] bounds)
    {
        _bounds = bounds;
        // Each row: the bucket counts, then the sum's bits; rows padded to whole cache lines.
        _row = (bounds.Length + 2 + Stripes.Stride - 1) / Stripes.Stride * Stripes.Stride;
        _cells = new long[_row * Stripes.Count];
    }

    /// <summary>Sum of observations.</summary>
    public double Sum
    {
        get
        {
            double sum = 0;
            for (var r = 0; r < Stripes.Count; r++)
            {
                sum += BitConverter.Int64BitsToDouble(Interlocked.Read(ref _cells[(r * _row) + _bounds.Length + 1]));
            }
            return sum;
        }
    }

    /// <summary>Number of observations.</summary>
    public long Count
    {
        get
        {
            long n = 0;
            foreach (var c in SnapshotCounts())
            {
                n += c;
            }
            return n;
        }
    }

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        var i = 0;
        while (i < _bounds.Length && value > _bounds[i])
        {
            i++;
        }
        var row = Stripes.Current() * _row;
        Interlocked.Increment(ref _cells[row + i]);
        ref var sumBits = ref _cells[row + _bounds.Length + 1];
        while (true)
        {
            var old = Interlocked.Read(ref sumBits);
            var updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(old) + value);
            if (Interlocked.CompareExchange(ref sumBits, updated, old) == old)
            {
                return;
            }
        }
    }

    internal long[] SnapshotCounts()
    {
        var copy = new long[_bounds.Length + 1];
        for (var r = 0; r < Stripes.Count; r++)
        {
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] += Interlocked.Read(ref _cells[(r * _row) + i]);
            }
        }
        return copy;
    }
}

/// <summary>
/// One labelled child of a family. A class, not a value tuple: a concurrent dictionary of reference values shares
/// the framework's precompiled code, where a struct value would be compiled at start-up.
/// </summary>
internal sealed record LabeledChild<TMetric>(string[] Values, TMetric Metric)
    where TMetric : class;
