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
    public sealed class Builder
    {
        private readonly List<(uint Key, int Order, T Value)> _v4 = [];
        private readonly Dictionary<IPAddress, List<T>> _other = [];

        public void Add(uint ipv4, T value) => _v4.Add((ipv4, _v4.Count, value));

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
            if (_v4.Count == 0 && _other.Count == 0)
            {
                return Empty;
            }
            var entries = _v4.ToArray();
            Array.Sort(entries, static (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Order.CompareTo(b.Order));
            var keys = new uint[entries.Length];
            var values = new T[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                keys[i] = entries[i].Key;
                values[i] = entries[i].Value;
            }
            var other = new Dictionary<IPAddress, T[]>(_other.Count);
            foreach (var (k, v) in _other)
            {
                other[k] = [.. v];
            }
            return new AddressIndex<T>(keys, values, other);
        }
    }
}
