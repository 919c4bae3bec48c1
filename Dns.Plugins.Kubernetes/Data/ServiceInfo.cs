using System.Net;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>What DNS needs of a Service (only this is kept, never the whole object: CoreDNS #2095).</summary>
public sealed class ServiceInfo
{
    /// <summary>Name (lower case, as the API stores it).</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public required string Namespace { get; init => field = SharedText.Intern(value); }

    /// <summary><c>spec.type</c>: ClusterIP, NodePort, LoadBalancer or ExternalName.</summary>
    public string Type { get; init => field = SharedText.Intern(value); } = "ClusterIP";

    /// <summary><c>spec.clusterIP</c> as written ("" when unset, "None" when headless).</summary>
    public string ClusterIP { get; init; } = "";

    /// <summary><c>spec.clusterIPs</c> as written (falls back to <c>[clusterIP]</c> when the list is absent).</summary>
    public IReadOnlyList<string> ClusterIPs { get; init; } = [];

    /// <summary>The valid addresses of <see cref="ClusterIPs"/> (malformed ones skipped).</summary>
    public IReadOnlyList<IPAddress> ClusterIPAddresses { get; init; } = [];

    /// <summary>Headless: <c>clusterIPs[0] == "None"</c>.</summary>
    public bool IsHeadless => (ClusterIPs.Count > 0 ? ClusterIPs[0] : ClusterIP) == "None";

    /// <summary>ExternalName service.</summary>
    public bool IsExternalName => Type == "ExternalName";

    /// <summary><c>spec.externalName</c>.</summary>
    public string? ExternalName { get; init; }

    /// <summary><c>spec.ports</c> in order.</summary>
    public IReadOnlyList<ServicePortInfo> Ports { get; init; } = [];

    /// <summary><c>spec.externalIPs</c> (valid ones).</summary>
    public IReadOnlyList<IPAddress> ExternalIPs { get; init; } = [];

    /// <summary><c>status.loadBalancer.ingress</c>.</summary>
    public IReadOnlyList<LoadBalancerIngressInfo> LoadBalancerIngress { get; init; } = [];

    /// <summary><c>metadata.labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value.Count == 0 ? SharedText.NoLabels : value; } = SharedText.NoLabels;
}
