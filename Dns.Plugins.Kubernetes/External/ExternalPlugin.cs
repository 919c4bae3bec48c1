using System.Net;
using System.Net.Sockets;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.External;

/// <summary>
/// The <c>k8s_external</c> plugin: answers <c>&lt;svc&gt;.&lt;ns&gt;.&lt;zone&gt;</c> with a Service's external and
/// load-balancer addresses, from the same cluster data as the block's <c>kubernetes</c> plugin (reference §2.15).
/// </summary>
public sealed class ExternalPlugin : IDnsPlugin
{
    private readonly Func<KubernetesPlugin?> _find;
    private readonly DnsName[] _zones;
    private readonly DnsName[] _apexNames;
    private readonly DnsName _ns1Prefix;
    private readonly DnsName _hostmasterPrefix;
    private readonly Fallthrough _fallthrough;
    private KubernetesPlugin? _kubernetes;
    private bool _bound;

    /// <summary>Creates the plugin; <paramref name="findKubernetes"/> returns the block's kubernetes plugin (or null).</summary>
    public ExternalPlugin(ExternalOptions options, Func<KubernetesPlugin?> findKubernetes)
    {
        Options = options;
        _find = findKubernetes;
        _zones = new DnsName[options.Zones.Count];
        _apexNames = new DnsName[options.Zones.Count];
        for (var i = 0; i < _zones.Length; i++)
        {
            _zones[i] = DnsName.Parse(options.Zones[i]);
            _apexNames[i] = DnsName.Concat(DnsName.Parse(options.Apex + "."), _zones[i]);
        }
        _ns1Prefix = DnsName.Parse("ns1." + options.Apex + ".");
        _hostmasterPrefix = DnsName.Parse("hostmaster." + options.Apex + ".");
        _fallthrough = new Fallthrough(options.Fallthrough);
    }

    /// <inheritdoc/>
    public string Name => "k8s_external";

    /// <summary>The options.</summary>
    public ExternalOptions Options { get; }

    /// <summary>Finds the block's kubernetes plugin (called at start; queries before that look it up themselves).</summary>
    public void Bind()
    {
        _kubernetes = _find();
        Volatile.Write(ref _bound, true);
    }

    /// <inheritdoc/>
    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var qname = context.QueryName;
        var zoneIndex = MatchZone(qname);
        if (zoneIndex < 0)
        {
            return next(context);
        }
        if (!Volatile.Read(ref _bound))
        {
            Bind();
        }
        var k = _kubernetes;
        if (k is null)
        {
            return next(context);
        }
        var snap = k.Source.Current;
        var zone = _zones[zoneIndex];
        for (var i = 0; i < _zones.Length; i++)
        {
            if (qname == _zones[i])
            {
                context.Response = ServeApex(context, k, snap, zone);
                return default;
            }
            if (qname.IsSubdomainOf(_apexNames[i]))
            {
                context.Response = ServeSubApex(context, k, snap, zone);
                return default;
            }
        }

        var qtype = context.QueryType;
        var entries = new List<ExternalEntry>();
        var rcode = Lookup(k, snap, qname, qtype, zone, entries);
        if (entries.Count == 0)
        {
            if (rcode == ResponseCode.NxDomain && _fallthrough.Through(qname))
            {
                return next(context);
            }
            context.Response = Negative(context, snap, zone, rcode);
            return default;
        }
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        switch (qtype)
        {
            case DnsRecordType.A:
            case DnsRecordType.Aaaa:
                return AddressAsync(context, k, snap, zone, entries, m);
            case DnsRecordType.Srv:
                return SrvAsync(context, k, snap, zone, entries, m);
            case DnsRecordType.Ptr:
                foreach (var e in entries)
                {
                    var target = e.Key;
                    if (!Contains(m.Answers, target))
                    {
                        m.Answers.Add(new PtrRecord(qname, Options.Ttl, target));
                    }
                }
                break;
        }
        if (m.Answers.Count == 0)
        {
            m.Authority.Add(Soa(zone, snap));
        }
        context.Response = m;
        return default;
    }

    private static bool Contains(List<DnsRecord> records, DnsName target)
    {
        foreach (var r in records)
        {
            if (r is PtrRecord p && p.Target == target)
            {
                return true;
            }
        }
        return false;
    }

    private int MatchZone(DnsName qname)
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

    private SoaRecord Soa(DnsName zone, ClusterSnapshot snap) =>
        new(zone, Options.Ttl, DnsName.Concat(_ns1Prefix, zone), DnsName.Concat(_hostmasterPrefix, zone), snap.Serial, 7200, 1800, 86400, Options.Ttl);

    private DnsMessage Negative(DnsContext context, ClusterSnapshot snap, DnsName zone, ResponseCode rcode)
    {
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        m.ResponseCode = rcode;
        m.Authority.Add(Soa(zone, snap));
        return m;
    }

    /// <summary>Apex: SOA, NS <c>ns1.&lt;apex&gt;.&lt;zone&gt;</c> with our addresses as glue, else NODATA (apex.go).</summary>
    private DnsMessage ServeApex(DnsContext context, KubernetesPlugin k, ClusterSnapshot snap, DnsName zone)
    {
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        switch (context.QueryType)
        {
            case DnsRecordType.Soa:
                m.Answers.Add(Soa(zone, snap));
                break;
            case DnsRecordType.Ns:
                {
                    m.Answers.Add(new NsRecord(zone, Options.Ttl, DnsName.Concat(_ns1Prefix, zone)));
                    var glueName = DnsName.Concat(_ns1Prefix, context.QueryName);
                    foreach (var a in ExternalAddresses(k, snap, zone))
                    {
                        m.Additional.Add(a.AddressFamily == AddressFamily.InterNetwork ? new ARecord(glueName, Options.Ttl, a) : new AaaaRecord(glueName, Options.Ttl, a));
                    }
                    break;
                }
            default:
                m.Authority.Add(Soa(zone, snap));
                break;
        }
        return m;
    }

    /// <summary>Names under <c>&lt;apex&gt;.&lt;zone&gt;</c>: <c>ns1</c> has our addresses, the apex label itself is NODATA, the rest NXDOMAIN.</summary>
    private DnsMessage ServeSubApex(DnsContext context, KubernetesPlugin k, ClusterSnapshot snap, DnsName zone)
    {
        var qname = context.QueryName;
        var labels = qname.LabelCount - zone.LabelCount;
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        if (labels == 1)
        {
            m.Authority.Add(Soa(zone, snap));
            return m;
        }
        if (labels != 2 || !string.Equals(qname.GetLabel(0), "ns1", StringComparison.OrdinalIgnoreCase))
        {
            m.ResponseCode = ResponseCode.NxDomain;
            m.Authority.Add(Soa(zone, snap));
            return m;
        }
        var qtype = context.QueryType;
        foreach (var a in ExternalAddresses(k, snap, zone))
        {
            var v4 = a.AddressFamily == AddressFamily.InterNetwork;
            if (qtype == DnsRecordType.A && v4)
            {
                m.Answers.Add(new ARecord(qname, Options.Ttl, a));
            }
            else if (qtype == DnsRecordType.Aaaa && !v4)
            {
                m.Answers.Add(new AaaaRecord(qname, Options.Ttl, a));
            }
        }
        if (m.Answers.Count == 0)
        {
            m.Authority.Add(Soa(zone, snap));
        }
        return m;
    }

    /// <summary>
    /// Our external addresses (ns.go nsAddrs external): external IPs of the Services whose slices hold our own
    /// address (endpoint addresses of headless ones with <c>headless</c>), else our own addresses.
    /// </summary>
    private List<IPAddress> ExternalAddresses(KubernetesPlugin k, ClusterSnapshot snap, DnsName zone)
    {
        var list = new List<IPAddress>();
        var found = false;
        if (!k.Options.NoEndpoints)
        {
            var seen = new List<EndpointSliceInfo>();
            foreach (var local in k.Lookup.LocalAddresses)
            {
                seen.Clear();
                foreach (var (slice, _) in snap.EndpointsByIP(local))
                {
                    if (seen.Contains(slice))
                    {
                        continue;
                    }
                    seen.Add(slice);
                    found = true;
                    if (snap.GetService(slice.Namespace, slice.ServiceName) is not { } svc)
                    {
                        continue;
                    }
                    if (Options.Headless && svc.IsHeadless)
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
                                    list.Add(a);
                                }
                            }
                        }
                        continue;
                    }
                    foreach (var (ip, _) in ExternalHosts(svc))
                    {
                        if (ip is not null)
                        {
                            list.Add(ip);
                        }
                    }
                }
            }
        }
        if (!found)
        {
            list.AddRange(k.Lookup.LocalAddresses);
        }
        return list;
    }

    /// <summary><c>spec.externalIPs</c> then <c>status.loadBalancer.ingress</c> (IP, else hostname).</summary>
    private static List<(IPAddress? Ip, string? Host)> ExternalHosts(ServiceInfo svc)
    {
        var list = new List<(IPAddress?, string?)>(svc.ExternalIPs.Count + svc.LoadBalancerIngress.Count);
        foreach (var ip in svc.ExternalIPs)
        {
            list.Add((ip, null));
        }
        foreach (var lb in svc.LoadBalancerIngress)
        {
            if (!string.IsNullOrEmpty(lb.Ip))
            {
                if (IpText.Parse(lb.Ip) is { } ip)
                {
                    list.Add((ip, null));
                }
            }
            else if (!string.IsNullOrEmpty(lb.Hostname))
            {
                list.Add((null, lb.Hostname));
            }
        }
        return list;
    }

    private static readonly IReadOnlyList<ServicePortInfo> NoPortSentinel = [new ServicePortInfo("", -1, "")];

    /// <summary>kubernetes/external.go External: entries for the name, and the rcode when there are none.</summary>
    private ResponseCode Lookup(KubernetesPlugin k, ClusterSnapshot snap, DnsName qname, DnsRecordType qtype, DnsName zone, List<ExternalEntry> entries)
    {
        var kl = k.Lookup;
        if (qtype == DnsRecordType.Ptr && IpText.FromReverseName(qname.LowerText) is { } reverseIp)
        {
            foreach (var svc in snap.Services)
            {
                if (k.Options.Namespaces.Count > 0 && !kl.NamespaceExposed(snap, svc.Namespace))
                {
                    continue;
                }
                foreach (var (ip, _) in ExternalHosts(svc))
                {
                    if (reverseIp.Equals(ip))
                    {
                        entries.Add(new ExternalEntry
                        {
                            Key = DnsName.Concat(DnsName.Parse(string.Concat(svc.Name, ".", svc.Namespace, ".")), _zones[0]),
                            Port = 0,
                        });
                        break;
                    }
                }
            }
            return entries.Count > 0 ? ResponseCode.NoError : ResponseCode.NxDomain;
        }

        var n = qname.LabelCount - zone.LabelCount;
        var ns = qname.GetLabel(n - 1).ToLowerInvariant();
        if (!kl.NamespaceExposed(snap, ns))
        {
            return ResponseCode.NxDomain;
        }
        if (n == 1)
        {
            return ResponseCode.NoError;
        }
        var service = qname.GetLabel(n - 2).ToLowerInvariant();
        string port = "", protocol = "", endpoint = "";
        switch (n)
        {
            case 2:
                break;
            case 3:
                endpoint = StripUnderscore(qname.GetLabel(0).ToLowerInvariant());
                break;
            case 4:
                protocol = StripUnderscore(qname.GetLabel(1).ToLowerInvariant());
                port = StripUnderscore(qname.GetLabel(0).ToLowerInvariant());
                break;
            default:
                return ResponseCode.NxDomain;
        }
        var rcode = ResponseCode.NxDomain;
        var svcInfo = snap.GetService(ns, service);
        if (svcInfo is null)
        {
            return rcode;
        }
        var hosts = ExternalHosts(svcInfo);
        var svcKey = DnsName.Concat(DnsName.Parse(string.Concat(svcInfo.Name, ".", svcInfo.Namespace, ".")), zone);
        if (Options.Headless && hosts.Count == 0 && (svcInfo.IsHeadless || endpoint.Length > 0))
        {
            if (!k.Options.NoEndpoints)
            {
                foreach (var slice in snap.GetSlices(svcInfo.Namespace, svcInfo.Name))
                {
                    var ports = slice.Ports.Count == 0 ? NoPortSentinel : slice.Ports;
                    foreach (var ep in slice.Endpoints)
                    {
                        if (!ep.Ready)
                        {
                            continue;
                        }
                        for (var i = 0; i < ep.AddressCount; i++)
                        {
                            if (ep.Address(i) is not { } address)
                            {
                                continue;
                            }
                            var name = kl.EndpointName(ep, i);
                            if (endpoint.Length > 0 && !string.Equals(endpoint, name, StringComparison.OrdinalIgnoreCase))
                            {
                                continue;
                            }
                            foreach (var p in ports)
                            {
                                if (!PortMatches(port, protocol, p))
                                {
                                    continue;
                                }
                                rcode = ResponseCode.NoError;
                                entries.Add(new ExternalEntry { Address = address, Port = p.Port, Key = DnsName.Concat(DnsName.Parse(name + "."), svcKey) });
                            }
                        }
                    }
                }
            }
        }
        else
        {
            var ports = svcInfo.Ports.Count == 0 ? NoPortSentinel : svcInfo.Ports;
            foreach (var (ip, host) in hosts)
            {
                foreach (var p in ports)
                {
                    if (!PortMatches(port, protocol, p))
                    {
                        continue;
                    }
                    rcode = ResponseCode.NoError;
                    entries.Add(new ExternalEntry { Address = ip, Host = host, Port = p.Port, Key = svcKey });
                }
            }
        }
        if (qtype == DnsRecordType.Ptr)
        {
            // A PTR on a forward name only decides NXDOMAIN vs NODATA.
            entries.Clear();
        }
        return rcode;
    }

    private static bool PortMatches(string port, string protocol, ServicePortInfo p) =>
        (port.Length == 0 || string.Equals(port, p.Name, StringComparison.OrdinalIgnoreCase))
        && (protocol.Length == 0 || string.Equals(protocol, p.Protocol, StringComparison.OrdinalIgnoreCase));

    private static string StripUnderscore(string s) => s.Length > 0 && s[0] == '_' ? s[1..] : s;

    private async ValueTask AddressAsync(DnsContext context, KubernetesPlugin k, ClusterSnapshot snap, DnsName zone, List<ExternalEntry> entries, DnsMessage m)
    {
        var qname = context.QueryName;
        var qtype = context.QueryType;
        var wantV4 = qtype == DnsRecordType.A;
        foreach (var e in entries)
        {
            if (e.Host is not null)
            {
                if (!DnsName.TryParse(e.Host, out var target))
                {
                    continue;
                }
                // The CNAME carries the kubernetes TTL (msg.Service TTL), the address records this plugin's.
                m.Answers.Add(new CnameRecord(qname, k.Options.Ttl, target));
                if (await UpstreamAsync(context, target, qtype).ConfigureAwait(false) is { } reply)
                {
                    m.Answers.AddRange(reply.Answers);
                    m.Truncated |= reply.Truncated;
                }
                continue;
            }
            var a = e.Address!;
            if ((a.AddressFamily == AddressFamily.InterNetwork) != wantV4 || HasAddress(m.Answers, a))
            {
                continue;
            }
            m.Answers.Add(wantV4 ? new ARecord(qname, Options.Ttl, a) : new AaaaRecord(qname, Options.Ttl, a));
        }
        if (m.Answers.Count == 0)
        {
            m.Authority.Add(Soa(zone, snap));
        }
        context.Response = m;
    }

    private static bool HasAddress(List<DnsRecord> records, IPAddress a)
    {
        foreach (var r in records)
        {
            switch (r)
            {
                case ARecord x when x.Address.Equals(a):
                case AaaaRecord y when y.Address.Equals(a):
                    return true;
            }
        }
        return false;
    }

    private async ValueTask SrvAsync(DnsContext context, KubernetesPlugin k, ClusterSnapshot snap, DnsName zone, List<ExternalEntry> entries, DnsMessage m)
    {
        var qname = context.QueryName;
        var n = entries.Count;
        var weight = (ushort)Math.Max(1, (int)Math.Floor(100.0 / (100 * n) * 100));
        var seenSrv = new HashSet<(DnsName, ushort)>();
        var seenGlue = new HashSet<(DnsName, string)>();
        foreach (var e in entries)
        {
            if (e.Port == -1)
            {
                continue;
            }
            var port = (ushort)e.Port;
            if (e.Host is not null)
            {
                if (!DnsName.TryParse(e.Host, out var hostName))
                {
                    continue;
                }
                if (seenSrv.Add((hostName, port)))
                {
                    m.Answers.Add(new SrvRecord(qname, k.Options.Ttl, 0, weight, port, hostName));
                }
                if (seenGlue.Add((hostName, hostName.LowerText)))
                {
                    if (await UpstreamAsync(context, hostName, DnsRecordType.A).ConfigureAwait(false) is { } ra)
                    {
                        m.Additional.AddRange(ra.Answers);
                    }
                    if (await UpstreamAsync(context, hostName, DnsRecordType.Aaaa).ConfigureAwait(false) is { } raaaa)
                    {
                        m.Additional.AddRange(raaaa.Answers);
                    }
                }
                continue;
            }
            var target = e.Key;
            if (seenSrv.Add((target, port)))
            {
                m.Answers.Add(new SrvRecord(qname, k.Options.Ttl, 0, weight, port, target));
            }
            if (seenGlue.Add((target, e.Address!.ToString())))
            {
                m.Additional.Add(e.Address.AddressFamily == AddressFamily.InterNetwork
                    ? new ARecord(target, Options.Ttl, e.Address)
                    : new AaaaRecord(target, Options.Ttl, e.Address));
            }
        }
        if (m.Answers.Count == 0)
        {
            m.Authority.Add(Soa(zone, snap));
        }
        context.Response = m;
    }

    private static async ValueTask<DnsMessage?> UpstreamAsync(DnsContext context, DnsName name, DnsRecordType type)
    {
        if (context.Resolver is not { } resolver)
        {
            return null;
        }
        try
        {
            return await resolver.ResolveAsync(DnsMessage.CreateQuery(name, type), context, context.Aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }
}
