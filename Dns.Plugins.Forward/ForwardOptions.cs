using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>One <c>forward FROM TO...</c> directive, as parsed from the Corefile.</summary>
public sealed record ForwardOptions
{
    /// <summary>Base domain whose names are forwarded.</summary>
    public required DnsName From { get; init; }

    /// <summary>Upstreams, in configured order (at most 15).</summary>
    public required IReadOnlyList<UpstreamAddress> Upstreams { get; init; }

    /// <summary>Names under these are not forwarded (FROM itself always is).</summary>
    public IReadOnlyList<DnsName> Except { get; init; } = [];

    /// <summary>Always TCP towards upstreams (wins over <see cref="PreferUdp"/>).</summary>
    public bool ForceTcp { get; init; }

    /// <summary>UDP towards upstreams even for TCP clients; a truncated reply is retried over TCP.</summary>
    public bool PreferUdp { get; init; }

    /// <summary>Idle cached upstream connections are closed after this.</summary>
    public TimeSpan Expire { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An upstream is down after more than this many consecutive failed health checks; 0 = never down.</summary>
    public int MaxFails { get; init; } = 2;

    /// <summary>Interval between health check probes.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>RD flag of health check probes (<c>no_rec</c> clears it).</summary>
    public bool HealthCheckRecursionDesired { get; init; } = true;

    /// <summary>Name probed with <c>NS</c> by health checks.</summary>
    public DnsName HealthCheckDomain { get; init; } = DnsName.Root;

    /// <summary>Upstream order per query.</summary>
    public ForwardPolicy Policy { get; init; } = ForwardPolicy.Random;

    /// <summary>TLS client settings for <c>tls://</c> upstreams.</summary>
    public TlsClientOptions Tls { get; init; } = new();

    /// <summary>In-flight query limit; 0 = unlimited.</summary>
    public int MaxConcurrent { get; init; }

    /// <summary>Upstream rcodes that hand the query to the next plugin when it is also a forward.</summary>
    public IReadOnlyList<ResponseCode> NextRcodes { get; init; } = [];

    /// <summary>NOERROR with an empty answer also goes to the next forward.</summary>
    public bool NextOnNoData { get; init; }

    /// <summary>Upstream rcodes that make the query try the next upstream.</summary>
    public IReadOnlyList<ResponseCode> FailoverRcodes { get; init; } = [];

    /// <summary>All upstreams down: SERVFAIL instead of trying a random one.</summary>
    public bool FailfastAllUnhealthyUpstreams { get; init; }

    /// <summary>Cap of failed connection attempts per query (0 = only the deadline limits them); null = 2 × upstreams.</summary>
    public int? MaxConnectAttempts { get; init; }

    /// <summary>How long to wait for one upstream's reply.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The effective connect-attempt cap.</summary>
    public int EffectiveMaxConnectAttempts => MaxConnectAttempts ?? 2 * Upstreams.Count;
}
