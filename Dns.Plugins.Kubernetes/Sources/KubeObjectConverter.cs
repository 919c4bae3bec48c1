using System.Net;
using System.Net.Sockets;
using Dns.Plugins.Kubernetes.Data;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Converts KubernetesClient models to the small <see cref="Data"/> types DNS needs (only these are kept, never the
/// whole object: coredns/coredns#2095). Tolerant of anything the API or a hand-written manifest may hold: missing
/// fields take defaults, malformed addresses are skipped with a log line, and nothing throws.
/// </summary>
public static partial class KubeObjectConverter
{
    /// <summary>EndpointSlice label naming the owning service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The service, or null when it has no name.</summary>
    public static ServiceInfo? ToService(V1Service? service, ILogger? logger = null)
    {
        var meta = service?.Metadata;
        if (service is null || string.IsNullOrEmpty(meta?.Name))
        {
            return null;
        }
        var spec = service.Spec;
        var ports = new List<ServicePortInfo>();
        if (spec?.Ports is { } sp)
        {
            foreach (var p in sp)
            {
                if (p is not null)
                {
                    ports.Add(new ServicePortInfo(p.Name ?? "", p.Port, Protocol(p.Protocol)));
                }
            }
        }
        var ingress = new List<LoadBalancerIngressInfo>();
        if (service.Status?.LoadBalancer?.Ingress is { } ing)
        {
            foreach (var i in ing)
            {
                if (i is not null)
                {
                    AddIngress(ingress, i.Ip, i.Hostname);
                }
            }
        }
        return BuildService(
            meta.Name, NamespaceOf(meta), spec?.Type, spec?.ClusterIP, spec?.ClusterIPs, spec?.ExternalIPs, spec?.ExternalName,
            ports, ingress, Labels(meta.Labels), logger);
    }

    /// <summary>
    /// The service from its fields as read from a model or straight from the API's JSON (<see cref="ApiObjectReader"/>):
    /// one set of rules for both.
    /// </summary>
    internal static ServiceInfo BuildService(
        string name,
        string ns,
        string? type,
        string? clusterIP,
        IList<string>? clusterIPs,
        IList<string>? externalIPTexts,
        string? externalName,
        List<ServicePortInfo> ports,
        List<LoadBalancerIngressInfo> ingress,
        IReadOnlyDictionary<string, string> labels,
        ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        clusterIP ??= "";
        var ipTexts = new List<string>();
        if (clusterIPs is { Count: > 0 } ips)
        {
            foreach (var t in ips)
            {
                if (!string.IsNullOrEmpty(t))
                {
                    // clusterIPs[0] repeats clusterIP: keep one string.
                    ipTexts.Add(t == clusterIP ? clusterIP : t);
                }
            }
        }
        if (ipTexts.Count == 0 && clusterIP.Length > 0)
        {
            ipTexts.Add(clusterIP);
        }
        var addresses = new List<IPAddress>();
        foreach (var t in ipTexts)
        {
            if (t == "None")
            {
                continue;
            }
            if (TryParseIP(t, out var ip))
            {
                addresses.Add(ip);
            }
            else
            {
                LogBadAddress(logger, "service", ns, name, t);
            }
        }
        var externalIPs = new List<IPAddress>();
        if (externalIPTexts is { } ext)
        {
            foreach (var t in ext)
            {
                if (TryParseIP(t, out var ip))
                {
                    externalIPs.Add(ip);
                }
                else
                {
                    LogBadAddress(logger, "service", ns, name, t ?? "");
                }
            }
        }
        return new ServiceInfo
        {
            Name = name,
            Namespace = ns,
            Type = string.IsNullOrEmpty(type) ? "ClusterIP" : type,
            ClusterIP = clusterIP,
            ClusterIPs = ipTexts.ToArray(),
            ClusterIPAddresses = addresses.ToArray(),
            ExternalName = NullIfEmpty(externalName),
            Ports = SharedPorts.Intern(ports.ToArray()),
            ExternalIPs = externalIPs.Count == 0 ? [] : externalIPs.ToArray(),
            LoadBalancerIngress = ingress.Count == 0 ? [] : ingress.ToArray(),
            Labels = labels,
        };
    }

    /// <summary>A load-balancer ingress entry, unless it has neither an IP nor a hostname.</summary>
    internal static void AddIngress(List<LoadBalancerIngressInfo> ingress, string? ip, string? hostname)
    {
        if (!string.IsNullOrEmpty(ip) || !string.IsNullOrEmpty(hostname))
        {
            ingress.Add(new LoadBalancerIngressInfo(NullIfEmpty(ip), NullIfEmpty(hostname)));
        }
    }

    /// <summary>
    /// The slice, or null when it has no name. A slice without ports gets the single port -1 (CoreDNS's sentinel: A
    /// works, SRV skips it). <paramref name="keepPodNames"/> false drops each endpoint's targetRef name, which only
    /// <c>endpoint_pod_names</c> answers from (a string per endpoint: 4 MB in a cluster of 100,000 endpoints).
    /// </summary>
    public static EndpointSliceInfo? ToEndpointSlice(V1EndpointSlice? slice, ILogger? logger = null, bool keepPodNames = true)
    {
        var meta = slice?.Metadata;
        if (slice is null || string.IsNullOrEmpty(meta?.Name))
        {
            return null;
        }
        logger ??= NullLogger.Instance;
        var ns = NamespaceOf(meta);
        var addressType = AddressType(slice.AddressType);
        // An array filled in place (a List of the EndpointInfo struct would be framework code compiled at start-up).
        var endpoints = slice.Endpoints is { Count: > 0 } all ? new EndpointInfo[all.Count] : [];
        var count = 0;
        if (slice.Endpoints is { } eps)
        {
            foreach (var e in eps)
            {
                if (e is not null)
                {
                    endpoints[count++] = BuildEndpoint(
                        ns, meta.Name, addressType, e.Addresses, e.Hostname, e.TargetRef?.Name, e.TargetRef?.Kind, e.NodeName, e.Zone,
                        e.Conditions?.Ready, keepPodNames, logger);
                }
            }
        }
        var ports = new List<ServicePortInfo>();
        if (slice.Ports is { } ps)
        {
            foreach (var p in ps)
            {
                if (p is not null)
                {
                    ports.Add(new ServicePortInfo(p.Name ?? "", p.Port ?? -1, Protocol(p.Protocol)));
                }
            }
        }
        var labels = meta.Labels;
        var service = labels is not null && labels.TryGetValue(ServiceNameLabel, out var svc) && svc is not null ? svc : "";
        return BuildEndpointSlice(meta.Name, ns, service, addressType, endpoints, count, ports);
    }

    /// <summary>An EndpointSlice's addressType, IPv4 when empty.</summary>
    internal static string AddressType(string? addressType) => string.IsNullOrEmpty(addressType) ? "IPv4" : addressType;

    /// <summary>One endpoint of a slice (malformed addresses are kept as written and logged, as CoreDNS keeps them).</summary>
    internal static EndpointInfo BuildEndpoint(
        string ns,
        string sliceName,
        string addressType,
        IList<string>? addresses,
        string? hostname,
        string? targetRefName,
        string? targetRefKind,
        string? nodeName,
        string? zone,
        bool? ready,
        bool keepPodNames,
        ILogger logger)
    {
        var texts = new List<string>(1);
        if (addresses is not null)
        {
            foreach (var t in addresses)
            {
                if (string.IsNullOrEmpty(t))
                {
                    continue;
                }
                texts.Add(t);
                if (!IpText.TryParseV4(t, out _) && !TryParseIP(t, out _) && addressType != "FQDN")
                {
                    LogBadAddress(logger, "endpointslice", ns, sliceName, t);
                }
            }
        }
        return new EndpointInfo
        {
            AddressTexts = texts,
            Hostname = NullIfEmpty(hostname),
            TargetRefName = keepPodNames ? NullIfEmpty(targetRefName) : null,
            TargetRefKind = NullIfEmpty(targetRefKind),
            NodeName = NullIfEmpty(nodeName),
            Zone = NullIfEmpty(zone),
            Ready = ready ?? true,
        };
    }

    /// <summary>The slice from its parts: the first <paramref name="count"/> of <paramref name="endpoints"/>, the ports (none: the -1 sentinel).</summary>
    internal static EndpointSliceInfo BuildEndpointSlice(
        string name, string ns, string serviceName, string addressType, EndpointInfo[] endpoints, int count, List<ServicePortInfo> ports)
    {
        if (count < endpoints.Length)
        {
            var trimmed = new EndpointInfo[count];
            Array.Copy(endpoints, trimmed, count);
            endpoints = trimmed;
        }
        if (ports.Count == 0)
        {
            ports.Add(new ServicePortInfo("", -1, "TCP"));
        }
        return new EndpointSliceInfo
        {
            Name = name,
            Namespace = ns,
            ServiceName = serviceName,
            AddressType = addressType,
            Endpoints = endpoints,
            Ports = SharedPorts.Intern(ports.ToArray()),
        };
    }

    /// <summary>The pod, or null when it has no name.</summary>
    public static PodInfo? ToPod(V1Pod? pod, ILogger? logger = null)
    {
        var meta = pod?.Metadata;
        if (pod is null || string.IsNullOrEmpty(meta?.Name))
        {
            return null;
        }
        return BuildPod(meta.Name, NamespaceOf(meta), pod.Status?.PodIP, pod.Status?.Phase, meta.DeletionTimestamp is not null, Labels(meta.Labels), logger);
    }

    /// <summary>The pod from its fields (a malformed podIP is kept as text, without an address, and logged).</summary>
    internal static PodInfo BuildPod(string name, string ns, string? podIP, string? phase, bool terminating, IReadOnlyDictionary<string, string> labels, ILogger? logger)
    {
        var ipText = podIP ?? "";
        IPAddress? ip = null;
        if (ipText.Length > 0)
        {
            if (TryParseIP(ipText, out var parsed))
            {
                ip = parsed;
            }
            else
            {
                LogBadAddress(logger ?? NullLogger.Instance, "pod", ns, name, ipText);
            }
        }
        return new PodInfo
        {
            Name = name,
            Namespace = ns,
            PodIP = ipText,
            PodIPAddress = ip,
            Phase = phase ?? "",
            Terminating = terminating,
            Labels = labels,
        };
    }

    /// <summary>The namespace, or null when it has no name.</summary>
    public static NamespaceInfo? ToNamespace(V1Namespace? ns)
    {
        var meta = ns?.Metadata;
        if (ns is null || string.IsNullOrEmpty(meta?.Name))
        {
            return null;
        }
        return new NamespaceInfo { Name = meta.Name, Labels = Labels(meta.Labels) };
    }

    /// <summary>Parses an IP address the way Go's net.ParseIP accepts it: dotted quad or IPv6 text, no zone, no port.</summary>
    public static bool TryParseIP(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text) || text.Contains('%'))
        {
            return false;
        }
        if (!text.Contains(':'))
        {
            // Nearly every address: a dotted quad, read without the framework's general parser.
            if (!IpText.TryParseV4(text, out var v4))
            {
                return false;
            }
            address = IpText.ToAddress(v4);
            return true;
        }
        if (!IPAddress.TryParse(text, out var ip))
        {
            return false;
        }
        // IPAddress.TryParse accepts "1", "1.2" and hex forms for IPv4; Go's ParseIP wants exactly four decimal parts.
        if (ip.AddressFamily == AddressFamily.InterNetwork && !IpText.TryParseV4(text, out _))
        {
            return false;
        }
        address = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        return true;
    }

    internal static string NamespaceOf(V1ObjectMeta? meta) => NamespaceOf(meta?.NamespaceProperty);

    /// <summary>An object's namespace, <c>default</c> when it has none.</summary>
    internal static string NamespaceOf(string? ns) => string.IsNullOrEmpty(ns) ? "default" : ns;

    /// <summary>A port's protocol, TCP when empty.</summary>
    internal static string Protocol(string? p) => string.IsNullOrEmpty(p) ? "TCP" : p;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>The shared empty label set.</summary>
    internal static IReadOnlyDictionary<string, string> NoLabels => SharedText.NoLabels;

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels)
    {
        if (labels is not { Count: > 0 } l)
        {
            return NoLabels;
        }
        var d = new Dictionary<string, string>(l.Count, StringComparer.Ordinal);
        foreach (var kv in l)
        {
            d[kv.Key] = kv.Value ?? "";
        }
        return d;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping malformed IP address \"{Address}\" in {Kind} {Namespace}/{Name}")]
    private static partial void LogBadAddress(ILogger logger, string kind, string @namespace, string name, string address);
}
