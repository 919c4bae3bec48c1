namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// Values by (namespace, name), compared without regard to case, without building a key string. A table of our
/// own rather than a <see cref="Dictionary{TKey, TValue}"/> over a struct key: the framework's generic code over a
/// struct of ours is not precompiled (ReadyToRun), and compiling it took about 25 methods of JIT on every start;
/// this one is precompiled with the plugin. Chained buckets in arrays; built once, then read by any thread.
/// </summary>
internal sealed class NameTable<TValue>
{
    private int[] _buckets;
    private Entry[] _entries;
    private int _count;

    public NameTable(int capacity)
    {
        var size = 4;
        while (size < capacity)
        {
            size <<= 1;
        }
        _buckets = new int[size];
        // Entries exactly as many as asked for (the snapshot knows its count): a power of two would leave up to half
        // of a large cluster's table empty (0.5 MB at 20,000 services). The buckets stay a power of two for the mask.
        _entries = new Entry[Math.Max(capacity, 4)];
    }

    public int Count => _count;

    /// <summary>The value under (<paramref name="ns"/>, <paramref name="name"/>), or false.</summary>
    public bool TryGetValue(string ns, string name, out TValue value)
    {
        var i = Find(ns, name, Hash(ns, name));
        if (i < 0)
        {
            value = default!;
            return false;
        }
        value = _entries[i].Value;
        return true;
    }

    /// <summary>Sets the value under (<paramref name="ns"/>, <paramref name="name"/>), replacing any.</summary>
    public void Set(string ns, string name, TValue value)
    {
        var hash = Hash(ns, name);
        var i = Find(ns, name, hash);
        if (i >= 0)
        {
            _entries[i].Value = value;
            return;
        }
        if (_count == _entries.Length)
        {
            Grow();
        }
        ref var e = ref _entries[_count];
        e.Namespace = ns;
        e.Name = name;
        e.Hash = hash;
        e.Value = value;
        var b = hash & (_buckets.Length - 1);
        e.Next = _buckets[b] - 1;
        _buckets[b] = _count + 1;
        _count++;
    }

    /// <summary>The <paramref name="index"/>th entry in insertion order (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public TValue ValueAt(int index, out string ns, out string name)
    {
        ref var e = ref _entries[index];
        ns = e.Namespace;
        name = e.Name;
        return e.Value;
    }

    private static int Hash(string ns, string name) =>
        (string.GetHashCode(ns, StringComparison.OrdinalIgnoreCase) * -1521134295) ^ string.GetHashCode(name, StringComparison.OrdinalIgnoreCase);

    private int Find(string ns, string name, int hash)
    {
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _entries[i].Next)
        {
            ref var e = ref _entries[i];
            if (e.Hash == hash
                && string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)
                && string.Equals(e.Namespace, ns, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        Array.Copy(_entries, entries, _count);
        var size = _buckets.Length;
        while (size < entries.Length)
        {
            size <<= 1;
        }
        var buckets = new int[size];
        for (var i = 0; i < _count; i++)
        {
            var b = entries[i].Hash & (size - 1);
            entries[i].Next = buckets[b] - 1;
            buckets[b] = i + 1;
        }
        _entries = entries;
        _buckets = buckets;
    }

    private struct Entry
    {
        public string Namespace;
        public string Name;
        public int Hash;
        public int Next;
        public TValue Value;
    }
}
