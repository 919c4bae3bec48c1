namespace Dns.Core.Protocol;

/// <summary>
/// Name-compression state of one message being written (RFC 1035 §4.1.4): where each name suffix already stands.
/// Matching is exact (case-sensitive) so every name keeps its own spelling. Reused per thread; never shared.
/// </summary>
public sealed class CompressionTable
{
    private const int BucketCount = 256;

    [ThreadStatic]
    private static CompressionTable? t_cached;

    private readonly int[] _buckets = new int[BucketCount];
    private Entry[] _entries = new Entry[64];
    private int _count;

    /// <summary>Creates an empty table.</summary>
    public CompressionTable()
    {
        Array.Fill(_buckets, -1);
    }

    /// <summary>Number of suffixes recorded, usable as a rollback mark.</summary>
    public int Count => _count;

    /// <summary>The calling thread's table, emptied.</summary>
    public static CompressionTable ForCurrentThread()
    {
        var t = t_cached ??= new CompressionTable();
        t.Reset();
        return t;
    }

    /// <summary>Forgets everything.</summary>
    public void Reset()
    {
        if (_count > 0)
        {
            Array.Fill(_buckets, -1);
            Array.Clear(_entries, 0, _count);
            _count = 0;
        }
    }

    /// <summary>Removes the entries added after <paramref name="mark"/> (a value of <see cref="Count"/>).</summary>
    public void Rollback(int mark)
    {
        for (var i = _count - 1; i >= mark; i--)
        {
            _buckets[_entries[i].Hash & (BucketCount - 1)] = _entries[i].Next;
            _entries[i] = default;
        }
        _count = Math.Min(_count, mark);
    }

    /// <summary>The message offset where this exact suffix was written, or -1.</summary>
    public int Find(byte[] wire, int start)
    {
        var suffix = wire.AsSpan(start);
        var hash = Hash(suffix);
        for (var i = _buckets[hash & (BucketCount - 1)]; i >= 0; i = _entries[i].Next)
        {
            ref var e = ref _entries[i];
            if (e.Hash == hash && e.Wire.Length - e.Start == suffix.Length && e.Wire.AsSpan(e.Start).SequenceEqual(suffix))
            {
                return e.Offset;
            }
        }
        return -1;
    }

    /// <summary>Records that the suffix starting at <paramref name="start"/> of <paramref name="wire"/> stands at <paramref name="offset"/>.</summary>
    public void Add(byte[] wire, int start, int offset)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        var hash = Hash(wire.AsSpan(start));
        var b = hash & (BucketCount - 1);
        _entries[_count] = new Entry { Wire = wire, Start = start, Offset = offset, Hash = hash, Next = _buckets[b] };
        _buckets[b] = _count;
        _count++;
    }

    private static int Hash(ReadOnlySpan<byte> s)
    {
        var h = 2166136261u;
        foreach (var b in s)
        {
            h = (h ^ b) * 16777619u;
        }
        return (int)(h ^ (h >> 16));
    }

    private struct Entry
    {
        public byte[] Wire;
        public int Start;
        public int Offset;
        public int Hash;
        public int Next;
    }
}
