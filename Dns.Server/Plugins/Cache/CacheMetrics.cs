using System.Collections.Concurrent;
using Dns.Core.Metrics;

namespace Dns.Server.Plugins.Cache;

/// <summary>CoreDNS's cache metric families (<c>plugin/cache/metrics.go</c>); children are resolved once per server label.</summary>
internal sealed class CacheMetrics
{
    public const string Success = "success";
    public const string Denial = "denial";

    private readonly ConcurrentDictionary<string, ServerMetrics> _byServer = new(StringComparer.Ordinal);
    private volatile ServerMetrics? _last;

    public CacheMetrics(MetricsRegistry registry)
    {
        Entries = registry.Gauge("coredns_cache_entries", "The number of elements in the cache.", "server", "type", "zones", "view");
        Requests = registry.Counter("coredns_cache_requests_total", "The count of cache requests.", "server", "zones", "view");
        Hits = registry.Counter("coredns_cache_hits_total", "The count of cache hits.", "server", "type", "zones", "view");
        Misses = registry.Counter("coredns_cache_misses_total", "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.", "server", "zones", "view");
        Prefetches = registry.Counter("coredns_cache_prefetch_total", "The number of times the cache has prefetched a cached item.", "server", "zones", "view");
        Drops = registry.Counter("coredns_cache_drops_total", "The number responses that are not cached, because the reply is malformed.", "server", "zones", "view");
        ServedStale = registry.Counter("coredns_cache_served_stale_total", "The number of requests served from stale cache entries.", "server", "zones", "view");
        Evictions = registry.Counter("coredns_cache_evictions_total", "The count of cache evictions.", "server", "type", "zones", "view");
    }

    public GaugeFamily Entries { get; }

    public CounterFamily Requests { get; }

    public CounterFamily Hits { get; }

    public CounterFamily Misses { get; }

    public CounterFamily Prefetches { get; }

    public CounterFamily Drops { get; }

    public CounterFamily ServedStale { get; }

    public CounterFamily Evictions { get; }

    /// <summary>The children for one listener; a lookup only when the server label changes.</summary>
    public ServerMetrics For(string server, string zones)
    {
        var last = _last;
        if (last is not null && string.Equals(last.Server, server, StringComparison.Ordinal))
        {
            return last;
        }
        var m = _byServer.GetOrAdd(server, s => new ServerMetrics(this, s, zones));
        _last = m;
        return m;
    }

    /// <summary>Metric children bound to one <c>server</c> label.</summary>
    internal sealed class ServerMetrics
    {
        public ServerMetrics(CacheMetrics f, string server, string zones)
        {
            Server = server;
            const string view = "";
            SuccessEntries = f.Entries.WithLabels(server, Success, zones, view);
            DenialEntries = f.Entries.WithLabels(server, Denial, zones, view);
            Requests = f.Requests.WithLabels(server, zones, view);
            SuccessHits = f.Hits.WithLabels(server, Success, zones, view);
            DenialHits = f.Hits.WithLabels(server, Denial, zones, view);
            Misses = f.Misses.WithLabels(server, zones, view);
            Prefetches = f.Prefetches.WithLabels(server, zones, view);
            Drops = f.Drops.WithLabels(server, zones, view);
            ServedStale = f.ServedStale.WithLabels(server, zones, view);
            SuccessEvictions = f.Evictions.WithLabels(server, Success, zones, view);
            DenialEvictions = f.Evictions.WithLabels(server, Denial, zones, view);
        }

        public string Server { get; }

        public Gauge SuccessEntries { get; }

        public Gauge DenialEntries { get; }

        public Counter Requests { get; }

        public Counter SuccessHits { get; }

        public Counter DenialHits { get; }

        public Counter Misses { get; }

        public Counter Prefetches { get; }

        public Counter Drops { get; }

        public Counter ServedStale { get; }

        public Counter SuccessEvictions { get; }

        public Counter DenialEvictions { get; }
    }
}
