using System.Net;
using Dns.Core.Protocol;

namespace Dns.Plugins.Kubernetes.External;

/// <summary>One external lookup result: an address or a load-balancer hostname, a port, and the owner name (SRV target, PTR target).</summary>
internal readonly struct ExternalEntry
{
    public IPAddress? Address { get; init; }

    public string? Host { get; init; }

    public int Port { get; init; }

    public required DnsName Key { get; init; }
}
