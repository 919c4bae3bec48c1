using System.Net;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// An immutable, indexed view of the cluster at one moment. Built off the query path by a source; the plugin reads
/// the current one without locks. Name lookups are case-insensitive (keys lower-cased).
/// </summary>
public sealed class ClusterSnapshot
{
    private static readonly IReadOnlyList<EndpointSliceInfo> NoSlices = [];

    // One table for services and their slices, keyed by (namespace, name) without building a key string: a
    // 20,000-service cluster otherwise holds two key strings and two entries per service.
    private readonly NameTable<ServiceEntry> _byName;
    private readonly Dictionary<string, NamespaceInfo> _namespaces;
    private readonly AddressIndex<ServiceInfo> _servicesByClusterIP;
    private readonly AddressIndex<EndpointRef> _endpointsByIP;
    private readonly AddressIndex<PodInfo> _podsByIP;

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
        _byName = new NameTable<ServiceEntry>(services is IReadOnlyCollection<ServiceInfo> known ? known.Count : 0);
        foreach (var s in services)
        {
            _byName.Set(s.Namespace, s.Name, new ServiceEntry(s, null));
        }
        var serviceList = new ServiceInfo[_byName.Count];
        var n = 0;
        var byClusterIP = new AddressIndex<ServiceInfo>.Builder();
        for (var i = 0; i < _byName.Count; i++)
        {
            var s = _byName.ValueAt(i, out _, out _).Service!;
            serviceList[n++] = s;
            foreach (var ip in s.ClusterIPAddresses)
            {
                byClusterIP.Add(ip, s);
            }
        }
        Array.Sort(serviceList, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        Services = serviceList;
        _servicesByClusterIP = byClusterIP.Build();

        var slicesByService = new NameTable<List<EndpointSliceInfo>>(16);
        var endpointsByIP = new AddressIndex<EndpointRef>.Builder();
        var sliceList = new List<EndpointSliceInfo>();
        foreach (var sl in slices)
        {
            sliceList.Add(sl);
            if (sl.ServiceName.Length == 0)
            {
                continue;
            }
            if (!slicesByService.TryGetValue(sl.Namespace, sl.ServiceName, out var l))
            {
                slicesByService.Set(sl.Namespace, sl.ServiceName, l = new List<EndpointSliceInfo>(1));
            }
            l.Add(sl);
            for (var e = 0; e < sl.Endpoints.Count; e++)
            {
                var ep = sl.Endpoints[e];
                if (!ep.Ready)
                {
                    continue;
                }
                for (var i = 0; i < ep.AddressCount; i++)
                {
                    if (ep.TryGetIPv4(i, out var v4))
                    {
                        endpointsByIP.Add(v4, new EndpointRef(sl, e));
                    }
                    else if (ep.Address(i) is { } ip)
                    {
                        endpointsByIP.Add(ip, new EndpointRef(sl, e));
                    }
                }
            }
        }
        Slices = sliceList.ToArray();
        for (var i = 0; i < slicesByService.Count; i++)
        {
            var l = slicesByService.ValueAt(i, out var ns, out var name);
            var service = _byName.TryGetValue(ns, name, out var e) ? e.Service : null;
            if (service is not null)
            {
                foreach (var sl in l)
                {
                    sl.ShareServiceName(service.Name);
                }
            }
            _byName.Set(ns, name, new ServiceEntry(service, [.. l]));
        }
        _endpointsByIP = endpointsByIP.Build();

        _namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var ns in namespaces)
        {
            _namespaces[ns.Name] = ns;
        }

        var podsByIP = new AddressIndex<PodInfo>.Builder();
        var podList = new List<PodInfo>();
        foreach (var p in pods)
        {
            podList.Add(p);
            if (p.PodIPAddress is { } ip && !p.Terminating)
            {
                podsByIP.Add(ip, p);
            }
        }
        Pods = podList.ToArray();
        _podsByIP = podsByIP.Build();
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
    public ServiceInfo? GetService(string ns, string name) =>
        _byName.TryGetValue(ns, name, out var e) ? e.Service : null;

    /// <summary>Every slice labelled for the service, across address families.</summary>
    public IReadOnlyList<EndpointSliceInfo> GetSlices(string ns, string serviceName) =>
        _byName.TryGetValue(ns, serviceName, out var e) && e.Slices is { } l ? l : NoSlices;

    /// <summary>The namespace, if it exists.</summary>
    public NamespaceInfo? GetNamespace(string name) => _namespaces.GetValueOrDefault(name);

    /// <summary>Services with <paramref name="ip"/> among their cluster IPs.</summary>
    public IReadOnlyList<ServiceInfo> ServicesByClusterIP(IPAddress ip) => _servicesByClusterIP.Find(ip);

    /// <summary>Ready endpoints having <paramref name="ip"/>, with their slice.</summary>
    public IReadOnlyList<(EndpointSliceInfo Slice, EndpointInfo Endpoint)> EndpointsByIP(IPAddress ip)
    {
        var refs = _endpointsByIP.Find(ip);
        if (refs.Count == 0)
        {
            return [];
        }
        var found = new (EndpointSliceInfo, EndpointInfo)[refs.Count];
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = (refs[i].Slice, refs[i].Slice.Endpoints[refs[i].Index]);
        }
        return found;
    }

    /// <summary>Running (not terminating) pods whose primary IP is <paramref name="ip"/>.</summary>
    public IReadOnlyList<PodInfo> PodsByIP(IPAddress ip) => _podsByIP.Find(ip);

    /// <summary>An endpoint by its slice and position (the endpoint itself is a value inside the slice).</summary>
    private readonly record struct EndpointRef(EndpointSliceInfo Slice, int Index);

    private readonly record struct ServiceEntry(ServiceInfo? Service, EndpointSliceInfo[]? Slices);
}
