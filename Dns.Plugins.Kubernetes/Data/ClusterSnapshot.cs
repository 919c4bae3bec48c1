using System.Net;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// An immutable, indexed view of the cluster at one moment. Built off the query path by a source; the plugin reads
/// the current one without locks. Name lookups are case-insensitive (keys lower-cased).
/// </summary>
public sealed class ClusterSnapshot
{
    private static readonly IReadOnlyList<EndpointSliceInfo> NoSlices = [];
    private static readonly IReadOnlyList<ServiceInfo> NoServices = [];
    private static readonly IReadOnlyList<(EndpointSliceInfo, EndpointInfo)> NoEndpoints = [];
    private static readonly IReadOnlyList<PodInfo> NoPods = [];

    private readonly Dictionary<string, ServiceInfo> _services;
    private readonly Dictionary<string, EndpointSliceInfo[]> _slicesByService;
    private readonly Dictionary<string, NamespaceInfo> _namespaces;
    // Index values are exact-size arrays, not lists: most keys have one entry, and a 20,000-service cluster has
    // 100,000 endpoint addresses (a List per key costs three times the array).
    private readonly Dictionary<IPAddress, ServiceInfo[]> _servicesByClusterIP;
    private readonly Dictionary<IPAddress, (EndpointSliceInfo, EndpointInfo)[]> _endpointsByIP;
    private readonly Dictionary<IPAddress, PodInfo[]> _podsByIP;

    /// <summary>An empty, unsynced snapshot.</summary>
    public static ClusterSnapshot Empty { get; } = new([], [], [], [], 0, synced: false);

    /// <summary>Builds the snapshot and its indexes.</summary>
    public ClusterSnapshot(
        IEnumerable<ServiceInfo> services,
        IEnumerable<EndpointSliceInfo> slices,
        IEnumerable<PodInfo> pods,
        IEnumerable<NamespaceInfo> namespaces,
        uint serial,
        bool synced)
    {
        Serial = serial;
        Synced = synced;
        _services = new Dictionary<string, ServiceInfo>(StringComparer.OrdinalIgnoreCase);
        var servicesByClusterIP = new Dictionary<IPAddress, List<ServiceInfo>>();
        var serviceList = new List<ServiceInfo>();
        foreach (var s in services)
        {
            _services[Key(s.Namespace, s.Name)] = s;
        }
        foreach (var s in _services.Values)
        {
            serviceList.Add(s);
            foreach (var ip in s.ClusterIPAddresses)
            {
                if (!servicesByClusterIP.TryGetValue(ip, out var list))
                {
                    servicesByClusterIP[ip] = list = new List<ServiceInfo>(1);
                }
                list.Add(s);
            }
        }
        serviceList.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        serviceList.TrimExcess();
        Services = serviceList;
        _servicesByClusterIP = Compact(servicesByClusterIP);

        var slicesByService = new Dictionary<string, List<EndpointSliceInfo>>(StringComparer.OrdinalIgnoreCase);
        var endpointsByIP = new Dictionary<IPAddress, List<(EndpointSliceInfo, EndpointInfo)>>();
        var sliceList = new List<EndpointSliceInfo>();
        foreach (var sl in slices)
        {
            sliceList.Add(sl);
            if (sl.ServiceName.Length == 0)
            {
                continue;
            }
            var k = Key(sl.Namespace, sl.ServiceName);
            if (!slicesByService.TryGetValue(k, out var l))
            {
                slicesByService[k] = l = new List<EndpointSliceInfo>(1);
            }
            l.Add(sl);
            foreach (var ep in sl.Endpoints)
            {
                if (!ep.Ready)
                {
                    continue;
                }
                foreach (var ip in ep.Addresses)
                {
                    if (!endpointsByIP.TryGetValue(ip, out var el))
                    {
                        endpointsByIP[ip] = el = new List<(EndpointSliceInfo, EndpointInfo)>(1);
                    }
                    el.Add((sl, ep));
                }
            }
        }
        sliceList.TrimExcess();
        Slices = sliceList;
        _slicesByService = Compact(slicesByService, StringComparer.OrdinalIgnoreCase);
        _endpointsByIP = Compact(endpointsByIP);

        _namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var n in namespaces)
        {
            _namespaces[n.Name] = n;
        }

        var podsByIP = new Dictionary<IPAddress, List<PodInfo>>();
        var podList = new List<PodInfo>();
        foreach (var p in pods)
        {
            podList.Add(p);
            if (p.PodIPAddress is { } ip && !p.Terminating)
            {
                if (!podsByIP.TryGetValue(ip, out var pl))
                {
                    podsByIP[ip] = pl = new List<PodInfo>(1);
                }
                pl.Add(p);
            }
        }
        podList.TrimExcess();
        Pods = podList;
        _podsByIP = Compact(podsByIP);
    }

    private static Dictionary<TKey, TValue[]> Compact<TKey, TValue>(Dictionary<TKey, List<TValue>> lists, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        var d = new Dictionary<TKey, TValue[]>(lists.Count, comparer);
        foreach (var (k, v) in lists)
        {
            d[k] = [.. v];
        }
        return d;
    }

    /// <summary>Every required resource was listed at least once.</summary>
    public bool Synced { get; }

    /// <summary>Unix time of the last DNS-relevant change (SOA serial).</summary>
    public uint Serial { get; }

    /// <summary>All services, sorted by namespace then name.</summary>
    public IReadOnlyList<ServiceInfo> Services { get; }

    /// <summary>All slices.</summary>
    public IReadOnlyList<EndpointSliceInfo> Slices { get; }

    /// <summary>All pods.</summary>
    public IReadOnlyList<PodInfo> Pods { get; }

    /// <summary>All namespaces.</summary>
    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    /// <summary>The service <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public ServiceInfo? GetService(string ns, string name) => _services.GetValueOrDefault(Key(ns, name));

    /// <summary>Every slice labelled for the service, across address families.</summary>
    public IReadOnlyList<EndpointSliceInfo> GetSlices(string ns, string serviceName) =>
        _slicesByService.TryGetValue(Key(ns, serviceName), out var l) ? l : NoSlices;

    /// <summary>The namespace, if it exists.</summary>
    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    /// <summary>Services with <paramref name="ip"/> among their cluster IPs.</summary>
    public IReadOnlyList<ServiceInfo> ServicesByClusterIP(IPAddress ip) =>
        _servicesByClusterIP.TryGetValue(ip, out var l) ? l : NoServices;

    /// <summary>Ready endpoints having <paramref name="ip"/>, with their slice.</summary>
    public IReadOnlyList<(EndpointSliceInfo Slice, EndpointInfo Endpoint)> EndpointsByIP(IPAddress ip) =>
        _endpointsByIP.TryGetValue(ip, out var l) ? l : NoEndpoints;

    /// <summary>Running (not terminating) pods whose primary IP is <paramref name="ip"/>.</summary>
    public IReadOnlyList<PodInfo> PodsByIP(IPAddress ip) =>
        _podsByIP.TryGetValue(ip, out var l) ? l : NoPods;

    private static string Key(string ns, string name) => ns + "/" + name;
}
