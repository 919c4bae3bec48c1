using System.Net;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// One internal lookup result (CoreDNS's msg.Service): an address or a name (ExternalName), a port (-1 none), and
/// the owner it came from, which becomes the SRV target (<c>[ep.]svc.ns.svc.zone</c>, <c>label.ns.pod.zone</c>).
/// </summary>
internal readonly struct Entry
{
    public IPAddress? Address { get; init; }

    /// <summary>Name-valued host (ExternalName target as written).</summary>
    public string? Host { get; init; }

    public int Port { get; init; }

    public uint Ttl { get; init; }

    public ServiceInfo? Service { get; init; }

    public string? EndpointName { get; init; }

    /// <summary>Pod owner <c>label.ns.pod</c> (relative).</summary>
    public string? PodKey { get; init; }

    /// <summary>Fixed owner name (ns.dns entries).</summary>
    public DnsName? KeyName { get; init; }

    /// <summary>The owner name under <paramref name="zone"/> (spelled as in the question).</summary>
    public DnsName Target(DnsName zone)
    {
        if (KeyName is not null)
        {
            return KeyName;
        }
        string rel;
        if (PodKey is not null)
        {
            rel = PodKey;
        }
        else if (EndpointName is not null)
        {
            rel = string.Concat(EndpointName, ".", Service!.Name, ".", Service.Namespace, ".svc");
        }
        else
        {
            rel = string.Concat(Service!.Name, ".", Service.Namespace, ".svc");
        }
        return DnsName.Concat(DnsName.Parse(rel + "."), zone);
    }
}
