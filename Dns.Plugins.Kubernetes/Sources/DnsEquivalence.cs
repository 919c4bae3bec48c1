using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Whether an update changes anything DNS answers from (CoreDNS detectChanges: a status-only update of a service or
/// an unchanged slice does not move the SOA serial).
/// </summary>
internal static class DnsEquivalence
{
    public static bool Same(ServiceInfo a, ServiceInfo b) =>
        a.Type == b.Type
        && a.ClusterIP == b.ClusterIP
        && a.ExternalName == b.ExternalName
        && SameList(a.ClusterIPs, b.ClusterIPs)
        && SameList(a.Ports, b.Ports)
        && SameList(a.ExternalIPs, b.ExternalIPs)
        && SameList(a.LoadBalancerIngress, b.LoadBalancerIngress);

    public static bool Same(EndpointSliceInfo a, EndpointSliceInfo b)
    {
        if (a.ServiceName != b.ServiceName || a.AddressType != b.AddressType || !SameList(a.Ports, b.Ports)
            || a.Endpoints.Count != b.Endpoints.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Endpoints.Count; i++)
        {
            var x = a.Endpoints[i];
            var y = b.Endpoints[i];
            if (x.Ready != y.Ready || x.Hostname != y.Hostname || x.TargetRefName != y.TargetRefName
                || x.TargetRefKind != y.TargetRefKind || x.NodeName != y.NodeName || x.Zone != y.Zone
                || !x.SameAddresses(y))
            {
                return false;
            }
        }
        return true;
    }

    public static bool Same(PodInfo a, PodInfo b) =>
        a.PodIP == b.PodIP && a.Terminating == b.Terminating && a.Phase == b.Phase && SameLabels(a.Labels, b.Labels);

    public static bool Same(NamespaceInfo a, NamespaceInfo b) => SameLabels(a.Labels, b.Labels);

    private static bool SameList<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        var cmp = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Count; i++)
        {
            if (!cmp.Equals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (var kv in a)
        {
            if (!b.TryGetValue(kv.Key, out var v) || v != kv.Value)
            {
                return false;
            }
        }
        return true;
    }
}
