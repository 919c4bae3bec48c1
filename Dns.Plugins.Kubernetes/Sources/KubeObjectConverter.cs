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

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>The service, or null when it has no name.</summary>
    public static ServiceInfo? ToService(V1Service? service, ILogger? logger = null)
    {
        var meta = service?.Metadata;
        if (service is null || string.IsNullOrEmpty(meta?.Name))
        {
            return null;
        }
        logger ??= NullLogger.Instance;
        var ns = NamespaceOf(meta);
        var spec = service.Spec;
        var clusterIP = spec?.ClusterIP ?? "";
        var ipTexts = new List<string>();
        if (spec?.ClusterIPs is { Count: > 0 } ips)
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
                LogBadAddress(logger, "service", ns, meta.Name, t);
            }
        }
        var externalIPs = new List<IPAddress>();
        if (spec?.ExternalIPs is { } ext)
        {
            foreach (var t in ext)
            {
                if (TryParseIP(t, out var ip))
                {
                    externalIPs.Add(ip);
                }
                else
                {
                    LogBadAddress(logger, "service", ns, meta.Name, t ?? "");
                }
            }
        }
        var ports = new List<ServicePortInfo>();
        if (spec?.Ports is { } sp)
        {
            foreach (var p in sp)
            {
                if (p is null)
                {
                    continue;
                }
                ports.Add(new ServicePortInfo(p.Name ?? "", p.Port, Protocol(p.Protocol)));
            }
        }
        var ingress = new List<LoadBalancerIngressInfo>();
        if (service.Status?.LoadBalancer?.Ingress is { } ing)
        {
            foreach (var i in ing)
            {
                if (i is not null && (!string.IsNullOrEmpty(i.Ip) || !string.IsNullOrEmpty(i.Hostname)))
                {
                    ingress.Add(new LoadBalancerIngressInfo(NullIfEmpty(i.Ip), NullIfEmpty(i.Hostname)));
                }
            }
        }
        return new ServiceInfo
        {
            Name = meta.Name,
            Namespace = ns,
            Type = string.IsNullOrEmpty(spec?.Type) ? "ClusterIP" : spec.Type,
            ClusterIP = clusterIP,
            ClusterIPs = ipTexts.ToArray(),
            ClusterIPAddresses = addresses.ToArray(),
            ExternalName = NullIfEmpty(spec?.ExternalName),
            Ports = SharedPorts.Intern(ports.ToArray()),
            ExternalIPs = externalIPs.Count == 0 ? [] : externalIPs.ToArray(),
            LoadBalancerIngress = ingress.Count == 0 ? [] : ingress.ToArray(),
            Labels = Labels(meta),
        };
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
        var addressType = string.IsNullOrEmpty(slice.AddressType) ? "IPv4" : slice.AddressType;
        // An array filled in place (a List of the EndpointInfo struct would be framework code compiled at start-up).
        var endpoints = slice.Endpoints is { Count: > 0 } all ? new EndpointInfo[all.Count] : [];
        var count = 0;
        if (slice.Endpoints is { } eps)
        {
            foreach (var e in eps)
            {
                if (e is null)
                {
                    continue;
                }
                var texts = new List<string>(1);
                if (e.Addresses is { } a)
                {
                    foreach (var t in a)
                    {
                        if (string.IsNullOrEmpty(t))
                        {
                            continue;
                        }
                        texts.Add(t);
                        if (!IpText.TryParseV4(t, out _) && !TryParseIP(t, out _) && addressType != "FQDN")
                        {
                            LogBadAddress(logger, "endpointslice", ns, meta.Name, t);
                        }
                    }
                }
                endpoints[count++] = new EndpointInfo
                {
                    AddressTexts = texts,
                    Hostname = NullIfEmpty(e.Hostname),
                    TargetRefName = keepPodNames ? NullIfEmpty(e.TargetRef?.Name) : null,
                    TargetRefKind = NullIfEmpty(e.TargetRef?.Kind),
                    NodeName = NullIfEmpty(e.NodeName),
                    Zone = NullIfEmpty(e.Zone),
                    Ready = e.Conditions?.Ready ?? true,
                };
            }
        }
        if (count < endpoints.Length)
        {
            var trimmed = new EndpointInfo[count];
            Array.Copy(endpoints, trimmed, count);
            endpoints = trimmed;
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
        if (ports.Count == 0)
        {
            ports.Add(new ServicePortInfo("", -1, "TCP"));
        }
        var labels = meta.Labels;
        return new EndpointSliceInfo
        {
            Name = meta.Name,
            Namespace = ns,
            ServiceName = labels is not null && labels.TryGetValue(ServiceNameLabel, out var svc) && svc is not null ? svc : "",
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
        var ipText = pod.Status?.PodIP ?? "";
        IPAddress? ip = null;
        if (ipText.Length > 0)
        {
            if (TryParseIP(ipText, out var parsed))
            {
                ip = parsed;
            }
            else
            {
                LogBadAddress(logger ?? NullLogger.Instance, "pod", NamespaceOf(meta), meta.Name, ipText);
            }
        }
        return new PodInfo
        {
            Name = meta.Name,
            Namespace = NamespaceOf(meta),
            PodIP = ipText,
            PodIPAddress = ip,
            Phase = pod.Status?.Phase ?? "",
            Terminating = meta.DeletionTimestamp is not null,
            Labels = Labels(meta),
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
        return new NamespaceInfo { Name = meta.Name, Labels = Labels(meta) };
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

    internal static string NamespaceOf(V1ObjectMeta? meta) =>
        string.IsNullOrEmpty(meta?.NamespaceProperty) ? "default" : meta.NamespaceProperty;

    private static string Protocol(string? p) => string.IsNullOrEmpty(p) ? "TCP" : p;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static IReadOnlyDictionary<string, string> Labels(V1ObjectMeta meta)
    {
        if (meta.Labels is not { Count: > 0 } l)
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
