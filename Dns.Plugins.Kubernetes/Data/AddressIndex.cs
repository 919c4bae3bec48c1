using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>IPv4 keys as 32-bit values.</summary>
internal static class AddressIndexKey
{
    public static bool TryV4(IPAddress ip, out uint value)
    {
        if (ip.AddressFamily != AddressFamily.InterNetwork)
        {
            value = 0;
            return false;
        }
        Span<byte> b = stackalloc byte[4];
        ip.TryWriteBytes(b, out _);
        value = BinaryPrimitives.ReadUInt32BigEndian(b);
        return true;
    }
}

/// <summary>
/// Values by IP address, for reverse lookups. IPv4 keys (nearly all of a cluster's) are a sorted array of 32-bit
/// values beside their values, searched by bisection: 4 bytes plus the value per entry, where a dictionary of
/// address objects to lists costs some 100. Other addresses use a dictionary. Values under one key keep the order
/// they were added in. Immutable once built.
/// </summary>
internal sealed class AddressIndex<T>
{
    private readonly uint[] _keys;
    private readonly T[] _values;
    private readonly Dictionary<IPAddress, T[]> _other;

    private AddressIndex(uint[] keys, T[] values, Dictionary<IPAddress, T[]> other)
    {
        _keys = keys;
        _values = values;
        _other = other;
    }

    public static AddressIndex<T> Empty { get; } = new([], [], []);

    /// <summary>The values under <paramref name="ip"/> (a new array; empty when none).</summary>
    public IReadOnlyList<T> Find(IPAddress ip)
    {
        if (!AddressIndexKey.TryV4(ip, out var key))
        {
            return _other.TryGetValue(ip, out var l) ? l : [];
        }
        var lo = 0;
        var hi = _keys.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (_keys[mid] < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        var end = lo;
        while (end < _keys.Length && _keys[end] == key)
        {
            end++;
        }
        return end == lo ? [] : _values.AsSpan(lo, end - lo).ToArray();
    }

    /// <summary>Collects entries, then <see cref="Build"/>s the index.</summary>
    /// <remarks>
    /// Plain arrays and a radix sort of our own, not a list of tuples and <see cref="Array.Sort{T}(T[], Comparison{T})"/>:
    /// the framework's generic code over a struct of ours is not precompiled and took some 20 methods of JIT at
    /// start-up.
    /// </remarks>
    public sealed class Builder
    {
        private readonly Dictionary<IPAddress, List<T>> _other = [];
        private ulong[] _order = new ulong[16];
        private T[] _added = new T[16];
        private int _count;

        public void Add(uint ipv4, T value)
        {
            if (_count == _added.Length)
            {
                var order = new ulong[_count * 2];
                Array.Copy(_order, order, _count);
                _order = order;
                var added = new T[_count * 2];
                Array.Copy(_added, added, _count);
                _added = added;
            }
            // The key in the high half, the insertion index in the low half (values under one key keep their order).
            _order[_count] = ((ulong)ipv4 << 32) | (uint)_count;
            _added[_count] = value;
            _count++;
        }

        public void Add(IPAddress ip, T value)
        {
            if (AddressIndexKey.TryV4(ip, out var v4))
            {
                Add(v4, value);
                return;
            }
            if (!_other.TryGetValue(ip, out var l))
            {
                _other[ip] = l = new List<T>(1);
            }
            l.Add(value);
        }

        public AddressIndex<T> Build()
        {
            if (_count == 0 && _other.Count == 0)
            {
                return Empty;
            }
            SortByKey(_order, _count);
            var keys = new uint[_count];
            var values = new T[_count];
            for (var i = 0; i < _count; i++)
            {
                keys[i] = (uint)(_order[i] >> 32);
                values[i] = _added[(int)(uint)_order[i]];
            }
            var other = new Dictionary<IPAddress, T[]>(_other.Count);
            foreach (var (k, v) in _other)
            {
                other[k] = [.. v];
            }
            return new AddressIndex<T>(keys, values, other);
        }

        /// <summary>
        /// Stable LSD radix sort of the first <paramref name="count"/> items by their high 32 bits, a byte per pass
        /// (four passes: the result ends in <paramref name="items"/>). Stable, so equal keys keep insertion order.
        /// </summary>
        internal static void SortByKey(ulong[] items, int count)
        {
            if (count < 2)
            {
                return;
            }
            var src = items;
            var dst = new ulong[count];
            var starts = new int[256];
            for (var shift = 32; shift < 64; shift += 8)
            {
                Array.Clear(starts);
                for (var i = 0; i < count; i++)
                {
                    starts[(int)(src[i] >> shift) & 0xFF]++;
                }
                var sum = 0;
                for (var d = 0; d < 256; d++)
                {
                    var c = starts[d];
                    starts[d] = sum;
                    sum += c;
                }
                for (var i = 0; i < count; i++)
                {
                    var v = src[i];
                    dst[starts[(int)(v >> shift) & 0xFF]++] = v;
                }
                (src, dst) = (dst, src);
            }
        }
    }
}
