using System.Collections.Concurrent;

namespace Dns.Server.Plugins.Cache;

/// <summary>
/// CoreDNS's <c>plugin/pkg/cache</c>: 256 shards of capacity/256 entries (at least 4), and when a shard is full an
/// arbitrary entry of it is evicted. Reads take no lock; memory stays bounded however many names are asked.
/// </summary>
internal sealed class ShardedCache
{
    private const int ShardCount = 256;

    private readonly Shard[] _shards = new Shard[ShardCount];
    private readonly int _shardSize;
    private int _count;

    public ShardedCache(int capacity)
    {
        _shardSize = Math.Max(capacity / ShardCount, 4);
        for (var i = 0; i < ShardCount; i++)
        {
            _shards[i] = new Shard();
        }
    }

    /// <summary>Entries the cache can hold (capacity rounded down to whole shards).</summary>
    public int Capacity => _shardSize * ShardCount;

    /// <summary>Entries held now.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGet(in CacheKey key, out CacheItem item) =>
        Select(key).Items.TryGetValue(key, out item!);

    /// <summary>Adds or replaces; true when another entry was evicted to make room.</summary>
    public bool Add(in CacheKey key, CacheItem item)
    {
        var shard = Select(key);
        var items = shard.Items;
        if (items.ContainsKey(key))
        {
            items[key] = item;
            return false;
        }
        var evicted = false;
        if (Volatile.Read(ref shard.Count) >= _shardSize)
        {
            foreach (var kv in items)
            {
                if (items.TryRemove(kv.Key, out _))
                {
                    Interlocked.Decrement(ref shard.Count);
                    Interlocked.Decrement(ref _count);
                    evicted = true;
                }
                break;
            }
        }
        if (items.TryAdd(key, item))
        {
            Interlocked.Increment(ref shard.Count);
            Interlocked.Increment(ref _count);
        }
        else
        {
            items[key] = item;
        }
        return evicted;
    }

    public void Remove(in CacheKey key)
    {
        var shard = Select(key);
        if (shard.Items.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref shard.Count);
            Interlocked.Decrement(ref _count);
        }
    }

    private Shard Select(in CacheKey key) => _shards[(uint)key.GetHashCode() % ShardCount];

    private sealed class Shard
    {
        public readonly ConcurrentDictionary<CacheKey, CacheItem> Items = new();
        public int Count;
    }
}
