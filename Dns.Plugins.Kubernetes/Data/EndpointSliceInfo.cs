namespace Dns.Plugins.Kubernetes.Data;

/// <summary>What DNS needs of an EndpointSlice (discovery.k8s.io/v1).</summary>
public sealed class EndpointSliceInfo
{
    /// <summary>Slice name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public required string Namespace { get; init => field = SharedText.Intern(value); }

    /// <summary>Label <c>kubernetes.io/service-name</c> ("" when missing: unreachable).</summary>
    public string ServiceName { get; init; } = "";

    /// <summary><c>addressType</c> (IPv4, IPv6, FQDN); CoreDNS does not check it.</summary>
    public string AddressType { get; init => field = SharedText.Intern(value); } = "IPv4";

    /// <summary>Endpoints in order.</summary>
    public IReadOnlyList<EndpointInfo> Endpoints { get; init; } = [];

    /// <summary>Ports (a slice without ports yields one port -1 per CoreDNS).</summary>
    public IReadOnlyList<ServicePortInfo> Ports { get; init; } = [];
}
