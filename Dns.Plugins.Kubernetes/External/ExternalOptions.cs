namespace Dns.Plugins.Kubernetes.External;

/// <summary>The parsed <c>k8s_external</c> directive (reference §2.15).</summary>
public sealed record ExternalOptions
{
    /// <summary>Zones served (lower-case FQDNs); the first is used in PTR targets.</summary>
    public IReadOnlyList<string> Zones { get; init; } = [];

    /// <summary><c>apex</c>: the label under which the zone's name servers live (<c>ns1.dns.&lt;zone&gt;</c>).</summary>
    public string Apex { get; init; } = "dns";

    /// <summary><c>ttl</c> (0..3600).</summary>
    public uint Ttl { get; init; } = 5;

    /// <summary><c>headless</c>: answer endpoint addresses of headless services without external IPs.</summary>
    public bool Headless { get; init; }

    /// <summary><c>fallthrough</c> zones; null when absent, <c>["."]</c> for all.</summary>
    public IReadOnlyList<string>? Fallthrough { get; init; }
}
