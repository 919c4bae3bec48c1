using Dns.Core.Protocol;

namespace Dns.Plugins.Kubernetes;

/// <summary>CoreDNS's <c>fall.F</c>: which query names may be passed to the next plugin after an NXDOMAIN-class result.</summary>
internal sealed class Fallthrough
{
    private readonly DnsName[] _zones;

    /// <summary>Null or empty: never; <c>["."]</c>: always.</summary>
    public Fallthrough(IReadOnlyList<string>? zones)
    {
        _zones = new DnsName[zones?.Count ?? 0];
        for (var i = 0; i < _zones.Length; i++)
        {
            _zones[i] = DnsName.Parse(zones![i]);
        }
    }

    /// <summary>True when <paramref name="qname"/> is inside one of the fallthrough zones.</summary>
    public bool Through(DnsName qname)
    {
        foreach (var z in _zones)
        {
            if (qname.IsSubdomainOf(z))
            {
                return true;
            }
        }
        return false;
    }
}
