namespace Dns.Plugins.Kubernetes;

/// <summary>The parsed <c>kubernetes</c> directive (reference §2.1). Immutable; built by <see cref="KubernetesSetup"/>.</summary>
public sealed record KubernetesOptions
{
    /// <summary>Default record TTL.</summary>
    public const uint DefaultTtl = 5;

    /// <summary>Zones the plugin is authoritative for (lower-case FQDNs; CIDRs already expanded to reverse zones).</summary>
    public IReadOnlyList<string> Zones { get; init; } = [];

    /// <summary>Index in <see cref="Zones"/> of the first non-reverse zone: the zone of every PTR target.</summary>
    public int PrimaryZoneIndex { get; init; }

    /// <summary>The primary zone.</summary>
    public string PrimaryZone => Zones.Count > 0 ? Zones[PrimaryZoneIndex] : ".";

    /// <summary><c>endpoint</c> URLs; only the first is used. Empty: in-cluster.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary><c>tls</c> client certificate file.</summary>
    public string? TlsCert { get; init; }

    /// <summary><c>tls</c> client key file.</summary>
    public string? TlsKey { get; init; }

    /// <summary><c>tls</c> CA certificate file.</summary>
    public string? TlsCa { get; init; }

    /// <summary><c>kubeconfig</c> file (takes precedence over <see cref="Endpoints"/>).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary><c>kubeconfig</c> context (null: current-context).</summary>
    public string? KubeconfigContext { get; init; }

    /// <summary><c>manifests PATH</c>: serve from Kubernetes YAML/JSON files instead of an API server (our offline extension).</summary>
    public string? ManifestsPath { get; init; }

    /// <summary><c>namespaces</c>: only these are exposed (empty: all).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary><c>namespace_labels</c> selector text.</summary>
    public string? NamespaceLabels { get; init; }

    /// <summary><c>labels</c> selector text (Service, EndpointSlice and Pod list/watch).</summary>
    public string? Labels { get; init; }

    /// <summary><c>pods</c>.</summary>
    public PodMode Pods { get; init; } = PodMode.Disabled;

    /// <summary><c>endpoint_pod_names</c>.</summary>
    public bool EndpointPodNames { get; init; }

    /// <summary><c>ttl</c> (0..3600).</summary>
    public uint Ttl { get; init; } = DefaultTtl;

    /// <summary><c>noendpoints</c>: EndpointSlices are not watched.</summary>
    public bool NoEndpoints { get; init; }

    /// <summary><c>fallthrough</c> zones; null when the option is absent, <c>["."]</c> for all zones.</summary>
    public IReadOnlyList<string>? Fallthrough { get; init; }

    /// <summary><c>ignore empty_service</c>.</summary>
    public bool IgnoreEmptyService { get; init; }

    /// <summary><c>zonal</c>: topology-zone names under headless services.</summary>
    public bool Zonal { get; init; }

    /// <summary><c>startup_timeout</c>.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>apiserver_qps</c> (null: client default).</summary>
    public int? ApiServerQps { get; init; }

    /// <summary><c>apiserver_burst</c> (null: client default).</summary>
    public int? ApiServerBurst { get; init; }

    /// <summary><c>apiserver_max_inflight</c> (null: unlimited).</summary>
    public int? ApiServerMaxInflight { get; init; }

    /// <summary>True when the zone is a reverse zone (<c>in-addr.arpa.</c> / <c>ip6.arpa.</c>).</summary>
    public static bool IsReverseZone(string zone) =>
        zone.Equals("in-addr.arpa.", StringComparison.OrdinalIgnoreCase) || zone.Equals("ip6.arpa.", StringComparison.OrdinalIgnoreCase)
        || zone.EndsWith(".in-addr.arpa.", StringComparison.OrdinalIgnoreCase) || zone.EndsWith(".ip6.arpa.", StringComparison.OrdinalIgnoreCase);
}
