using System.Net;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>One endpoint of an EndpointSlice.</summary>
public sealed class EndpointInfo
{
    /// <summary><c>addresses</c> exactly as written (endpoint names are derived from this text: 172-0-0-2).</summary>
    public IReadOnlyList<string> AddressTexts { get; init; } = [];

    /// <summary>The valid addresses of <see cref="AddressTexts"/>.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];

    /// <summary><c>hostname</c>.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>targetRef.name</c>.</summary>
    public string? TargetRefName { get; init; }

    /// <summary><c>targetRef.kind</c>.</summary>
    public string? TargetRefKind { get; init => field = SharedText.InternOrNull(value); }

    /// <summary><c>nodeName</c>.</summary>
    public string? NodeName { get; init => field = SharedText.InternOrNull(value); }

    /// <summary><c>zone</c> (topology zone).</summary>
    public string? Zone { get; init => field = SharedText.InternOrNull(value); }

    /// <summary><c>conditions.ready</c> is nil or true (CoreDNS ignores serving/terminating).</summary>
    public bool Ready { get; init; } = true;
}
