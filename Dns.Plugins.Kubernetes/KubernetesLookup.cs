using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// Answers one question from a <see cref="ClusterSnapshot"/> the way CoreDNS's kubernetes plugin does
/// (handler.go, kubernetes.go, reverse.go, ns.go and plugin/backend_lookup.go; reference §2.2–§2.14).
/// Pure and synchronous: upstream lookups of ExternalName targets are left to the caller.
/// </summary>
internal sealed class KubernetesLookup
{
    /// <summary>dns-version TXT (schema of the Kubernetes DNS specification, §2.2).</summary>
    public const string SchemaVersion = "1.1.0";

    private const uint SchemaVersionTtl = 28800;
    private const int MaxCnameChain = 7;

    private readonly KubernetesOptions _options;
    private readonly DnsName[] _zones;
    private readonly DnsName _primaryZone;
    private readonly HashSet<string> _namespaces;
    private readonly uint _ttl;

    public KubernetesLookup(KubernetesOptions options, IReadOnlyList<IPAddress> localAddresses)
    {
        _options = options;
        _zones = new DnsName[options.Zones.Count];
        for (var i = 0; i < _zones.Length; i++)
        {
            _zones[i] = DnsName.Parse(options.Zones[i]);
        }
        _primaryZone = DnsName.Parse(options.PrimaryZone);
        _namespaces = new HashSet<string>(options.Namespaces, StringComparer.OrdinalIgnoreCase);
        _ttl = options.Ttl;
        LocalAddresses = localAddresses;
    }

    public KubernetesOptions Options => _options;

    /// <summary>The server's own non-loopback addresses (for NS and <c>ns.dns.&lt;zone&gt;</c>).</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; }

    public IReadOnlyList<DnsName> Zones => _zones;

    /// <summary>Index of the longest plugin zone containing <paramref name="qname"/>, or -1.</summary>
    public int MatchZone(DnsName qname)
    {
        var best = -1;
        for (var i = 0; i < _zones.Length; i++)
        {
            if (qname.IsSubdomainOf(_zones[i]) && (best < 0 || _zones[i].LabelCount > _zones[best].LabelCount))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>The zone part of <paramref name="qname"/> with the question's spelling.</summary>
    public DnsName SpelledZone(DnsName qname, int zoneIndex) => qname.Skip(qname.LabelCount - _zones[zoneIndex].LabelCount);

    /// <summary>The SOA of negative answers and apex SOA queries (backend_lookup.go SOA, reference §2.6).</summary>
    public SoaRecord Soa(DnsName zone, uint serial) =>
        new(zone, Math.Min(_ttl, 300), DnsName.Concat(NsDnsPrefix, zone), DnsName.Concat(HostmasterPrefix, zone), serial, 7200, 1800, 86400, _ttl);

    private static readonly DnsName NsDnsPrefix = DnsName.Parse("ns.dns.");
    private static readonly DnsName HostmasterPrefix = DnsName.Parse("hostmaster.");
    private static readonly IReadOnlyList<string> SchemaVersionText = [SchemaVersion];

    /// <summary>Looks up <paramref name="qname"/>/<paramref name="qtype"/> inside plugin zone <paramref name="zoneIndex"/>.</summary>
    public LookupResult Lookup(ClusterSnapshot snap, DnsName qname, DnsRecordType qtype, int zoneIndex)
    {
        var zone = SpelledZone(qname, zoneIndex);
        var result = new LookupResult();
        var isApex = qname.LabelCount == zone.LabelCount;
        switch (qtype)
        {
            case DnsRecordType.A:
            case DnsRecordType.Aaaa:
                result.Status = AddressRecords(snap, qname, qtype, zone, zoneIndex, result, null);
                break;
            case DnsRecordType.Txt:
                result.Status = Txt(snap, qname, zone, zoneIndex, result);
                break;
            case DnsRecordType.Cname:
                {
                    var entries = new List<Entry>();
                    result.Status = Services(snap, qname, qtype, zone, zoneIndex, entries);
                    if (result.Status == LookupStatus.Ok && entries.Count > 0 && entries[0].Host is { } host && DnsName.TryParse(host, out var target))
                    {
                        result.Answer.Add(new CnameRecord(qname, entries[0].Ttl, target));
                    }
                    break;
                }
            case DnsRecordType.Ptr:
                result.Status = Ptr(snap, qname, zone, zoneIndex, result);
                break;
            case DnsRecordType.Mx:
                // kubernetes never yields mail entries: only the existence check matters.
                result.Status = Services(snap, qname, qtype, zone, zoneIndex, new List<Entry>());
                break;
            case DnsRecordType.Srv:
                result.Status = Srv(snap, qname, zone, zoneIndex, result);
                break;
            case DnsRecordType.Soa:
                // Answered at the apex only; any other name is NODATA without an existence check (quirk).
                if (isApex)
                {
                    result.Answer.Add(Soa(zone, snap.Serial));
                }
                break;
            case DnsRecordType.Ns:
                // Below the apex the fake A lookup still runs Services() with qtype NS, which returns the name
                // servers whatever the name: NS is NODATA for every name, even missing ones (quirk).
                if (isApex)
                {
                    Ns(snap, qname, zone, result);
                }
                break;
            case DnsRecordType.Axfr:
            case DnsRecordType.Ixfr:
                result.Status = LookupStatus.Refused;
                break;
            default:
                // A fake A lookup tells NODATA from NXDOMAIN.
                result.Status = Services(snap, qname, DnsRecordType.A, zone, zoneIndex, new List<Entry>());
                break;
        }
        return result;
    }

    private LookupStatus AddressRecords(ClusterSnapshot snap, DnsName qname, DnsRecordType qtype, DnsName zone, int zoneIndex, LookupResult result, List<CnameRecord>? chain)
    {
        var entries = new List<Entry>();
        var status = Services(snap, qname, qtype, zone, zoneIndex, entries);
        if (status != LookupStatus.Ok)
        {
            return status;
        }
        var wantV4 = qtype == DnsRecordType.A;
        var seenStart = result.Answer.Count;
        foreach (var e in entries)
        {
            if (e.Host is not null)
            {
                if (!DnsName.TryParse(e.Host, out var target) || target.IsSubdomainOf(qname))
                {
                    // x CNAME x is a direct loop.
                    continue;
                }
                var cname = new CnameRecord(qname, e.Ttl, target);
                if (chain is not null && (chain.Count > MaxCnameChain || Contains(chain, cname)))
                {
                    continue;
                }
                if (target.IsSubdomainOf(zone))
                {
                    var inner = new LookupResult();
                    var next = chain is null ? new List<CnameRecord>() : new List<CnameRecord>(chain);
                    next.Add(cname);
                    if (AddressRecords(snap, target, qtype, zone, zoneIndex, inner, next) == LookupStatus.Ok && inner.Answer.Count > 0)
                    {
                        result.Answer.Add(cname);
                        result.Answer.AddRange(inner.Answer);
                    }
                    if (inner.Upstream is not null)
                    {
                        (result.Upstream ??= []).AddRange(inner.Upstream);
                    }
                    continue;
                }
                (result.Upstream ??= []).Add(cname);
                continue;
            }
            var a = e.Address!;
            if ((a.AddressFamily == AddressFamily.InterNetwork) != wantV4 || HasAddress(result.Answer, seenStart, a))
            {
                continue;
            }
            result.Answer.Add(wantV4 ? new ARecord(qname, e.Ttl, a) : new AaaaRecord(qname, e.Ttl, a));
        }
        return LookupStatus.Ok;
    }

    private static bool Contains(List<CnameRecord> chain, CnameRecord c)
    {
        foreach (var x in chain)
        {
            if (x.Name == c.Name && x.Target == c.Target)
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasAddress(List<DnsRecord> records, int start, IPAddress a)
    {
        for (var i = start; i < records.Count; i++)
        {
            switch (records[i])
            {
                case ARecord r when r.Address.Equals(a):
                case AaaaRecord r6 when r6.Address.Equals(a):
                    return true;
            }
        }
        return false;
    }

    private LookupStatus Txt(ClusterSnapshot snap, DnsName qname, DnsName zone, int zoneIndex, LookupResult result)
    {
        if (qname.LabelCount == zone.LabelCount + 1 && string.Equals(qname.GetLabel(0), "dns-version", StringComparison.OrdinalIgnoreCase))
        {
            result.Answer.Add(new TxtRecord(qname, SchemaVersionTtl, SchemaVersionText));
            return LookupStatus.Ok;
        }
        // NODATA when the name has entries of another type, else NXDOMAIN (so apex and namespace TXT are NXDOMAIN: quirk).
        var entries = new List<Entry>();
        var status = Records(snap, qname, zone, zoneIndex, entries, out var request);
        if (entries.Count > 0 || (status == LookupStatus.Ok && request.Zonal != ZonalMode.None))
        {
            return LookupStatus.Ok;
        }
        return LookupStatus.NameError;
    }

    private LookupStatus Srv(ClusterSnapshot snap, DnsName qname, DnsName zone, int zoneIndex, LookupResult result)
    {
        var entries = new List<Entry>();
        var status = Services(snap, qname, DnsRecordType.Srv, zone, zoneIndex, entries);
        if (status != LookupStatus.Ok)
        {
            return status;
        }
        // Weight = floor(100/N) over every entry before de-duplication, at least 1; priority 0 (backend_lookup.go SRV).
        var n = entries.Count;
        var weight = n == 0 ? (ushort)100 : (ushort)Math.Max(1, (int)Math.Floor(100.0 / (100 * n) * 100));
        foreach (var e in entries)
        {
            if (e.Port == -1 || e.Address is null)
            {
                continue;
            }
            var target = e.Target(zone);
            var port = (ushort)e.Port;
            if (!HasSrv(result.Answer, target, port))
            {
                result.Answer.Add(new SrvRecord(qname, e.Ttl, 0, weight, port, target));
            }
            if (!HasGlue(result.Extra, target, e.Address))
            {
                result.Extra.Add(e.Address.AddressFamily == AddressFamily.InterNetwork
                    ? new ARecord(target, e.Ttl, e.Address)
                    : new AaaaRecord(target, e.Ttl, e.Address));
            }
        }
        return LookupStatus.Ok;
    }

    private static bool HasSrv(List<DnsRecord> records, DnsName target, ushort port)
    {
        foreach (var r in records)
        {
            if (r is SrvRecord s && s.Port == port && s.Target.SpellingEquals(target))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasGlue(List<DnsRecord> records, DnsName target, IPAddress address)
    {
        foreach (var r in records)
        {
            switch (r)
            {
                case ARecord a when a.Address.Equals(address) && a.Name.SpellingEquals(target):
                case AaaaRecord a6 when a6.Address.Equals(address) && a6.Name.SpellingEquals(target):
                    return true;
            }
        }
        return false;
    }

    private LookupStatus Ptr(ClusterSnapshot snap, DnsName qname, DnsName zone, int zoneIndex, LookupResult result)
    {
        var ip = IpText.FromReverseName(qname.LowerText);
        if (ip is null)
        {
            // Not a full reverse name: existing names are NODATA, others NXDOMAIN.
            return Records(snap, qname, zone, zoneIndex, new List<Entry>(), out _);
        }
        foreach (var svc in snap.ServicesByClusterIP(ip))
        {
            if (_namespaces.Count > 0 && !NamespaceExposed(snap, svc.Namespace))
            {
                continue;
            }
            result.Answer.Add(new PtrRecord(qname, _ttl, DnsName.Concat(DnsName.Parse(string.Concat(svc.Name, ".", svc.Namespace, ".svc.")), _primaryZone)));
            return LookupStatus.Ok;
        }
        foreach (var (slice, ep) in snap.EndpointsByIP(ip))
        {
            if (_namespaces.Count > 0 && !NamespaceExposed(snap, slice.Namespace))
            {
                continue;
            }
            for (var i = 0; i < ep.AddressCount; i++)
            {
                if (!ip.Equals(ep.Address(i)))
                {
                    continue;
                }
                var target = DnsName.Concat(
                    DnsName.Parse(string.Concat(EndpointName(ep, i), ".", slice.ServiceName, ".", slice.Namespace, ".svc.")),
                    _primaryZone);
                var dup = false;
                foreach (var r in result.Answer)
                {
                    if (((PtrRecord)r).Target == target)
                    {
                        dup = true;
                        break;
                    }
                }
                if (!dup)
                {
                    result.Answer.Add(new PtrRecord(qname, _ttl, target));
                }
            }
        }
        return result.Answer.Count > 0 ? LookupStatus.Ok : LookupStatus.NameError;
    }

    private void Ns(ClusterSnapshot snap, DnsName qname, DnsName zone, LookupResult result)
    {
        foreach (var (name, address) in NsAddresses(snap, zone))
        {
            var seen = false;
            foreach (var r in result.Answer)
            {
                if (((NsRecord)r).Target.SpellingEquals(name))
                {
                    seen = true;
                    break;
                }
            }
            if (!seen)
            {
                result.Answer.Add(new NsRecord(qname, _ttl, name));
            }
            if (!HasGlue(result.Extra, name, address))
            {
                result.Extra.Add(address.AddressFamily == AddressFamily.InterNetwork ? new ARecord(name, _ttl, address) : new AaaaRecord(name, _ttl, address));
            }
        }
    }

    /// <summary>
    /// Names and addresses of this server (ns.go nsAddrs, reference §2.6): the Services whose EndpointSlices hold one
    /// of our own addresses, else <c>ns.dns.&lt;zone&gt;</c> with our addresses. <c>namespaces</c> is not applied.
    /// </summary>
    public List<(DnsName Name, IPAddress Address)> NsAddresses(ClusterSnapshot snap, DnsName zone)
    {
        var list = new List<(DnsName, IPAddress)>();
        var found = false;
        var slicesSeen = new List<EndpointSliceInfo>();
        if (!_options.NoEndpoints)
        {
            foreach (var local in LocalAddresses)
            {
                slicesSeen.Clear();
                foreach (var (slice, _) in snap.EndpointsByIP(local))
                {
                    if (slicesSeen.Contains(slice))
                    {
                        continue;
                    }
                    slicesSeen.Add(slice);
                    found = true;
                    if (snap.GetService(slice.Namespace, slice.ServiceName) is not { } svc)
                    {
                        continue;
                    }
                    var svcName = DnsName.Concat(DnsName.Parse(string.Concat(svc.Name, ".", svc.Namespace, ".svc.")), zone);
                    if (svc.IsHeadless)
                    {
                        foreach (var ep in slice.Endpoints)
                        {
                            if (!ep.Ready)
                            {
                                continue;
                            }
                            for (var i = 0; i < ep.AddressCount; i++)
                            {
                                if (ep.Address(i) is { } a)
                                {
                                    list.Add((DnsName.Concat(DnsName.Parse(EndpointName(ep, i) + "."), svcName), a));
                                }
                            }
                        }
                    }
                    else
                    {
                        foreach (var ip in svc.ClusterIPAddresses)
                        {
                            list.Add((svcName, ip));
                        }
                    }
                }
            }
        }
        if (!found)
        {
            var nsName = DnsName.Concat(NsDnsPrefix, zone);
            foreach (var local in LocalAddresses)
            {
                list.Add((nsName, local));
            }
        }
        return list;
    }

    /// <summary>Services() of kubernetes.go: entries for the name, after the dns-version/NS/ns.dns special cases.</summary>
    private LookupStatus Services(ClusterSnapshot snap, DnsName qname, DnsRecordType qtype, DnsName zone, int zoneIndex, List<Entry> entries)
    {
        if (IsDefaultNs(qname, zone))
        {
            if (qtype is DnsRecordType.A or DnsRecordType.Aaaa)
            {
                var v4 = qtype == DnsRecordType.A;
                foreach (var (_, a) in NsAddresses(snap, zone))
                {
                    if ((a.AddressFamily == AddressFamily.InterNetwork) == v4)
                    {
                        entries.Add(new Entry { Address = a, Ttl = _ttl, KeyName = qname, Port = 0 });
                    }
                }
            }
            return LookupStatus.Ok;
        }
        var status = Records(snap, qname, zone, zoneIndex, entries, out _);
        if (qtype == DnsRecordType.Srv)
        {
            // ExternalName entries are not SRV material.
            entries.RemoveAll(static e => e.Host is not null);
        }
        return status;
    }

    private static bool IsDefaultNs(DnsName qname, DnsName zone) =>
        qname.LabelCount == zone.LabelCount + 2
        && string.Equals(qname.GetLabel(0), "ns", StringComparison.OrdinalIgnoreCase)
        && string.Equals(qname.GetLabel(1), "dns", StringComparison.OrdinalIgnoreCase);

    /// <summary>Records() of kubernetes.go: parse, reverse check, namespace exposure, then pods or services.</summary>
    private LookupStatus Records(ClusterSnapshot snap, DnsName qname, DnsName zone, int zoneIndex, List<Entry> entries, out QueryRequest request)
    {
        if (!QueryRequest.TryParse(qname, _zones[zoneIndex].LabelCount, _options.Zonal, out request))
        {
            return LookupStatus.NameError;
        }
        if (request.PodOrSvc.Length == 0)
        {
            return LookupStatus.Ok;
        }
        if (KubernetesOptions.IsReverseZone(qname.LowerText))
        {
            return LookupStatus.NameError;
        }
        if (!NamespaceExposed(snap, request.Namespace))
        {
            return LookupStatus.NameError;
        }
        return request.PodOrSvc == "pod" ? FindPods(snap, request, entries) : FindServices(snap, request, entries);
    }

    /// <summary>A namespace is exposed when it exists and <c>namespaces</c> (if set) lists it.</summary>
    public bool NamespaceExposed(ClusterSnapshot snap, string ns) =>
        (_namespaces.Count == 0 || _namespaces.Contains(ns)) && snap.GetNamespace(ns) is not null;

    private LookupStatus FindPods(ClusterSnapshot snap, QueryRequest r, List<Entry> entries)
    {
        if (_options.Pods == PodMode.Disabled)
        {
            return LookupStatus.NameError;
        }
        var podName = r.Service;
        if (podName.Length == 0)
        {
            return LookupStatus.Ok;
        }
        // Deeper labels (x.<podname>.ns.pod) are ignored, as findPods only reads the pod label.
        var ipText = CountDashes(podName) == 3 && !podName.Contains("--", StringComparison.Ordinal)
            ? podName.Replace('-', '.')
            : podName.Replace('-', ':');
        var ip = IpText.Parse(ipText);
        var key = string.Concat(podName, ".", r.Namespace, ".pod");
        if (_options.Pods == PodMode.Insecure)
        {
            if (ip is null)
            {
                return LookupStatus.NameError;
            }
            entries.Add(new Entry { Address = ip, Port = 0, Ttl = _ttl, PodKey = key });
            return LookupStatus.Ok;
        }
        if (ip is null)
        {
            return LookupStatus.NameError;
        }
        var found = false;
        foreach (var p in snap.PodsByIP(ip))
        {
            if (p.PodIP == ipText && string.Equals(p.Namespace, r.Namespace, StringComparison.OrdinalIgnoreCase)
                && p.Phase is not ("Succeeded" or "Failed" or "Unknown"))
            {
                entries.Add(new Entry { Address = ip, Port = 0, Ttl = _ttl, PodKey = key });
                found = true;
            }
        }
        return found ? LookupStatus.Ok : LookupStatus.NameError;
    }

    private static int CountDashes(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (c == '-')
            {
                n++;
            }
        }
        return n;
    }

    private LookupStatus FindServices(ClusterSnapshot snap, QueryRequest r, List<Entry> entries)
    {
        if (r.Service.Length == 0)
        {
            return LookupStatus.Ok;
        }
        var svc = snap.GetService(r.Namespace, r.Service);
        if (svc is null)
        {
            return LookupStatus.NameError;
        }
        var slices = _options.NoEndpoints ? [] : snap.GetSlices(svc.Namespace, svc.Name);
        if (_options.IgnoreEmptyService && !svc.IsExternalName && !svc.IsHeadless && ReadyAddressCount(slices) == 0)
        {
            return LookupStatus.NameError;
        }
        if (svc.IsExternalName)
        {
            // No endpoints and no port/protocol labels below an ExternalName; an IP-valued externalName is ignored.
            if (r.Endpoint.Length > 0 || r.Port.Length > 0 || r.Protocol.Length > 0 || r.Zonal != ZonalMode.None
                || string.IsNullOrEmpty(svc.ExternalName) || IpText.Parse(svc.ExternalName) is not null)
            {
                return LookupStatus.NameError;
            }
            entries.Add(new Entry { Host = svc.ExternalName, Ttl = _ttl, Service = svc, Port = -1 });
            return LookupStatus.Ok;
        }
        if (r.Zonal != ZonalMode.None)
        {
            return Zonal(snap, svc, slices, r, entries);
        }
        if (svc.IsHeadless || r.Endpoint.Length > 0)
        {
            var found = false;
            foreach (var slice in slices)
            {
                found |= AddEndpoints(slice, svc, r, null, entries);
            }
            return found ? LookupStatus.Ok : LookupStatus.NameError;
        }
        var any = false;
        if (svc.Ports.Count == 0)
        {
            // A Service without ports gets a sentinel port -1 (object/service.go): A works, SRV skips it.
            if (r.Port.Length == 0 && r.Protocol.Length == 0)
            {
                any = true;
                AddClusterIPs(svc, -1, entries);
            }
        }
        foreach (var p in svc.Ports)
        {
            if (!PortMatches(r, p))
            {
                continue;
            }
            any = true;
            AddClusterIPs(svc, p.Port, entries);
        }
        return any ? LookupStatus.Ok : LookupStatus.NameError;
    }

    private void AddClusterIPs(ServiceInfo svc, int port, List<Entry> entries)
    {
        foreach (var ip in svc.ClusterIPAddresses)
        {
            entries.Add(new Entry { Address = ip, Port = port, Ttl = _ttl, Service = svc });
        }
    }

    private LookupStatus Zonal(ClusterSnapshot snap, ServiceInfo svc, IReadOnlyList<EndpointSliceInfo> slices, QueryRequest r, List<Entry> entries)
    {
        if (!svc.IsHeadless)
        {
            return LookupStatus.NameError;
        }
        var zone = r.TopologyZone!;
        if (r.Zonal == ZonalMode.Known && !ZoneKnown(snap, zone))
        {
            return LookupStatus.NameError;
        }
        var all = new QueryRequest { Port = "", Protocol = "", Endpoint = "", Service = r.Service, Namespace = r.Namespace, PodOrSvc = r.PodOrSvc };
        foreach (var slice in slices)
        {
            AddEndpoints(slice, svc, all, zone, entries);
        }
        if (entries.Count == 0 && r.Zonal == ZonalMode.Prefer)
        {
            foreach (var slice in slices)
            {
                AddEndpoints(slice, svc, all, null, entries);
            }
        }
        return LookupStatus.Ok;
    }

    private static bool ZoneKnown(ClusterSnapshot snap, string zone)
    {
        foreach (var slice in snap.Slices)
        {
            foreach (var ep in slice.Endpoints)
            {
                if (string.Equals(ep.Zone, zone, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static readonly IReadOnlyList<ServicePortInfo> NoPortSentinel = [new ServicePortInfo("", -1, "")];

    /// <summary>Adds one entry per (ready address × matching slice port); true when any was added.</summary>
    private bool AddEndpoints(EndpointSliceInfo slice, ServiceInfo svc, QueryRequest r, string? topologyZone, List<Entry> entries)
    {
        var found = false;
        var ports = slice.Ports.Count == 0 ? NoPortSentinel : slice.Ports;
        foreach (var ep in slice.Endpoints)
        {
            if (!ep.Ready)
            {
                continue;
            }
            if (topologyZone is not null && !string.Equals(ep.Zone, topologyZone, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            for (var i = 0; i < ep.AddressCount; i++)
            {
                var address = ep.Address(i);
                if (address is null)
                {
                    continue;
                }
                var name = EndpointName(ep, i);
                if (r.Endpoint.Length > 0 && !string.Equals(r.Endpoint, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                foreach (var p in ports)
                {
                    if (!PortMatches(r, p))
                    {
                        continue;
                    }
                    entries.Add(new Entry { Address = address, Port = p.Port, Ttl = _ttl, Service = svc, EndpointName = name });
                    found = true;
                }
            }
        }
        return found;
    }

    /// <summary>Empty request port/protocol matches anything (so <c>_._tcp</c> matches every TCP port: quirk).</summary>
    private static bool PortMatches(QueryRequest r, ServicePortInfo p) =>
        (r.Port.Length == 0 || string.Equals(r.Port, p.Name, StringComparison.OrdinalIgnoreCase))
        && (r.Protocol.Length == 0 || string.Equals(r.Protocol, p.Protocol, StringComparison.OrdinalIgnoreCase));

    private static int ReadyAddressCount(IReadOnlyList<EndpointSliceInfo> slices)
    {
        var n = 0;
        foreach (var s in slices)
        {
            foreach (var ep in s.Endpoints)
            {
                if (ep.Ready)
                {
                    n += ep.AddressCount;
                }
            }
        }
        return n;
    }

    /// <summary>Endpoint name (reference §2.7): hostname, else targetRef name with <c>endpoint_pod_names</c> (&lt; 64 chars), else the dashed address.</summary>
    public string EndpointName(in EndpointInfo ep, int address)
    {
        if (!string.IsNullOrEmpty(ep.Hostname))
        {
            return ep.Hostname;
        }
        if (_options.EndpointPodNames && !string.IsNullOrEmpty(ep.TargetRefName) && ep.TargetRefName.Length < 64)
        {
            return ep.TargetRefName;
        }
        return ep.DashedAddress(address);
    }
}
