using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary>The <c>cache</c> directive of one server block (defaults as CoreDNS).</summary>
internal sealed record CacheOptions
{
    /// <summary>Zones whose names are cached (the block's zones unless given).</summary>
    public required IReadOnlyList<DnsName> Zones { get; init; }

    /// <summary>Positive cache capacity (entries, before rounding to 256 shards).</summary>
    public int SuccessCapacity { get; init; } = 10000;

    /// <summary>Upper bound of a positive entry's lifetime.</summary>
    public TimeSpan SuccessMaxTtl { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>Lower bound of a positive entry's lifetime.</summary>
    public TimeSpan SuccessMinTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Denial cache capacity.</summary>
    public int DenialCapacity { get; init; } = 10000;

    /// <summary>Upper bound of a denial entry's lifetime.</summary>
    public TimeSpan DenialMaxTtl { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>Lower bound of a denial entry's lifetime.</summary>
    public TimeSpan DenialMinTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Hits within <see cref="PrefetchDuration"/> that make an entry prefetched; 0 = off.</summary>
    public int Prefetch { get; init; }

    /// <summary>Window in which prefetch hits are counted.</summary>
    public TimeSpan PrefetchDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Prefetch once the remaining TTL is at most this percentage of the original.</summary>
    public int PrefetchPercentage { get; init; } = 10;

    /// <summary>How long past expiry an entry may still be served; zero = serve_stale off.</summary>
    public TimeSpan ServeStale { get; init; }

    /// <summary><c>verify</c>: ask upstream first and serve stale only when that fails.</summary>
    public bool VerifyStale { get; init; }

    /// <summary>How long SERVFAIL replies are cached.</summary>
    public TimeSpan ServfailTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Zones whose positive answers are not cached.</summary>
    public IReadOnlyList<DnsName> DisableSuccess { get; init; } = [];

    /// <summary>Zones whose denials (and SERVFAILs) are not cached.</summary>
    public IReadOnlyList<DnsName> DisableDenial { get; init; } = [];

    /// <summary>Serve the original TTL instead of counting it down.</summary>
    public bool KeepTtl { get; init; }
}
