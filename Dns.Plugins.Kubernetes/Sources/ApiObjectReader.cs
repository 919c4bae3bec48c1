using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Reads the API's JSON objects straight into the small <see cref="Data"/> types DNS answers from, through the same
/// rules as <see cref="KubeObjectConverter"/> (its <c>Build*</c> methods): no KubernetesClient model is built on the
/// API path, so neither its 12 MB assembly (3.7 MB of it resident once one model type loads) nor a JSON library is
/// loaded by a server that talks to the API (<see cref="JsonCursor"/>). Only the fields DNS reads are kept; an
/// object carries managedFields, a pod spec, conditions ... that are skipped. Fields may come in any order. A field
/// of an unexpected JSON type (the API server sends none) reads as absent, as a missing one does.
/// </summary>
internal static class ApiObjectReader
{
    /// <summary>A Service (null when the value is not an object).</summary>
    public static ApiObject<ServiceInfo>? Service(ref JsonCursor c, ILogger? logger = null)
    {
        if (!c.EnterObject())
        {
            return null;
        }
        var meta = new Meta();
        string? type = null, clusterIP = null, externalName = null;
        List<string>? clusterIPs = null, externalIPs = null;
        var ports = new List<ServicePortInfo>();
        var ingress = new List<LoadBalancerIngressInfo>();
        while (c.NextProperty(out var name, out var escaped))
        {
            if (JsonCursor.NameIs(name, escaped, "metadata"u8))
            {
                meta.Read(ref c);
            }
            else if (JsonCursor.NameIs(name, escaped, "spec"u8))
            {
                if (c.EnterObject())
                {
                    while (c.NextProperty(out var p, out var pe))
                    {
                        if (JsonCursor.NameIs(p, pe, "type"u8))
                        {
                            type = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(p, pe, "clusterIP"u8))
                        {
                            clusterIP = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(p, pe, "clusterIPs"u8))
                        {
                            clusterIPs = Strings(ref c);
                        }
                        else if (JsonCursor.NameIs(p, pe, "externalIPs"u8))
                        {
                            externalIPs = Strings(ref c);
                        }
                        else if (JsonCursor.NameIs(p, pe, "externalName"u8))
                        {
                            externalName = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(p, pe, "ports"u8))
                        {
                            Ports(ref c, ports, 0);
                        }
                        else
                        {
                            c.SkipValue();
                        }
                    }
                }
            }
            else if (JsonCursor.NameIs(name, escaped, "status"u8))
            {
                LoadBalancerIngress(ref c, ingress);
            }
            else
            {
                c.SkipValue();
            }
        }
        var item = meta.Name.Length == 0 ? null : KubeObjectConverter.BuildService(
            meta.Name,
            KubeObjectConverter.NamespaceOf(meta.Namespace),
            type,
            clusterIP,
            clusterIPs,
            externalIPs,
            externalName,
            ports,
            ingress,
            meta.Labels ?? KubeObjectConverter.NoLabels,
            logger);
        return meta.Object(item);
    }

    /// <summary>An EndpointSlice (<paramref name="keepPodNames"/>: as <see cref="KubeObjectConverter.ToEndpointSlice"/>).</summary>
    public static ApiObject<EndpointSliceInfo>? EndpointSlice(ref JsonCursor c, ILogger? logger = null, bool keepPodNames = true)
    {
        if (!c.EnterObject())
        {
            return null;
        }
        var meta = new Meta();
        string? addressType = null;
        var endpoints = new List<EndpointFields>();
        var ports = new List<ServicePortInfo>();
        while (c.NextProperty(out var name, out var escaped))
        {
            if (JsonCursor.NameIs(name, escaped, "metadata"u8))
            {
                meta.Read(ref c);
            }
            else if (JsonCursor.NameIs(name, escaped, "addressType"u8))
            {
                addressType = c.ReadString();
            }
            else if (JsonCursor.NameIs(name, escaped, "endpoints"u8))
            {
                if (c.EnterArray())
                {
                    while (c.NextItem())
                    {
                        if (c.EnterObject())
                        {
                            endpoints.Add(EndpointFields.Read(ref c));
                        }
                    }
                }
            }
            else if (JsonCursor.NameIs(name, escaped, "ports"u8))
            {
                Ports(ref c, ports, -1);
            }
            else
            {
                c.SkipValue();
            }
        }
        EndpointSliceInfo? item = null;
        if (meta.Name.Length > 0)
        {
            // Built once the whole object is read: addressType and the namespace may follow the endpoints.
            var log = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            var ns = KubeObjectConverter.NamespaceOf(meta.Namespace);
            var type = KubeObjectConverter.AddressType(addressType);
            var built = new EndpointInfo[endpoints.Count];
            for (var i = 0; i < built.Length; i++)
            {
                var e = endpoints[i];
                built[i] = KubeObjectConverter.BuildEndpoint(
                    ns, meta.Name, type, e.Addresses, e.Hostname, e.TargetRefName, e.TargetRefKind, e.NodeName, e.Zone, e.Ready, keepPodNames, log);
            }
            var service = meta.Labels is { } labels && labels.TryGetValue(KubeObjectConverter.ServiceNameLabel, out var svc) ? svc : "";
            item = KubeObjectConverter.BuildEndpointSlice(meta.Name, ns, service, type, built, built.Length, ports);
        }
        return meta.Object(item);
    }

    /// <summary>A Pod (its deletionTimestamp only as present or not: a terminating pod is not answered).</summary>
    public static ApiObject<PodInfo>? Pod(ref JsonCursor c, ILogger? logger = null)
    {
        if (!c.EnterObject())
        {
            return null;
        }
        var meta = new Meta();
        string? podIP = null, phase = null;
        while (c.NextProperty(out var name, out var escaped))
        {
            if (JsonCursor.NameIs(name, escaped, "metadata"u8))
            {
                meta.Read(ref c);
            }
            else if (JsonCursor.NameIs(name, escaped, "status"u8))
            {
                if (c.EnterObject())
                {
                    while (c.NextProperty(out var p, out var pe))
                    {
                        if (JsonCursor.NameIs(p, pe, "podIP"u8))
                        {
                            podIP = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(p, pe, "phase"u8))
                        {
                            phase = c.ReadString();
                        }
                        else
                        {
                            c.SkipValue();
                        }
                    }
                }
            }
            else
            {
                c.SkipValue();
            }
        }
        var item = meta.Name.Length == 0 ? null : KubeObjectConverter.BuildPod(
            meta.Name,
            KubeObjectConverter.NamespaceOf(meta.Namespace),
            podIP,
            phase,
            meta.Deleting,
            meta.Labels ?? KubeObjectConverter.NoLabels,
            logger);
        return meta.Object(item);
    }

    /// <summary>A Namespace.</summary>
    public static ApiObject<NamespaceInfo>? Namespace(ref JsonCursor c)
    {
        if (!c.EnterObject())
        {
            return null;
        }
        var meta = new Meta();
        while (c.NextProperty(out var name, out var escaped))
        {
            if (JsonCursor.NameIs(name, escaped, "metadata"u8))
            {
                meta.Read(ref c);
            }
            else
            {
                c.SkipValue();
            }
        }
        var item = meta.Name.Length == 0 ? null : new NamespaceInfo { Name = meta.Name, Labels = meta.Labels ?? KubeObjectConverter.NoLabels };
        return meta.Object(item);
    }

    /// <summary>A watch ERROR event's Status object, as the exception the watch reports it with.</summary>
    public static KubeWatchErrorException Status(ref JsonCursor c)
    {
        int? code = null;
        string? reason = null, message = null;
        if (c.EnterObject())
        {
            while (c.NextProperty(out var name, out var escaped))
            {
                if (JsonCursor.NameIs(name, escaped, "code"u8))
                {
                    code = c.ReadInt32();
                }
                else if (JsonCursor.NameIs(name, escaped, "reason"u8))
                {
                    reason = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "message"u8))
                {
                    message = c.ReadString();
                }
                else
                {
                    c.SkipValue();
                }
            }
        }
        return new KubeWatchErrorException(code ?? 0, reason, message ?? "");
    }

    /// <summary>A Service's status: the ip and hostname of each <c>loadBalancer.ingress</c> entry.</summary>
    private static void LoadBalancerIngress(ref JsonCursor c, List<LoadBalancerIngressInfo> ingress)
    {
        if (!c.EnterObject())
        {
            return;
        }
        while (c.NextProperty(out var p, out var pe))
        {
            if (!JsonCursor.NameIs(p, pe, "loadBalancer"u8))
            {
                c.SkipValue();
                continue;
            }
            if (!c.EnterObject())
            {
                continue;
            }
            while (c.NextProperty(out var l, out var le))
            {
                if (!JsonCursor.NameIs(l, le, "ingress"u8))
                {
                    c.SkipValue();
                    continue;
                }
                if (!c.EnterArray())
                {
                    continue;
                }
                while (c.NextItem())
                {
                    if (!c.EnterObject())
                    {
                        continue;
                    }
                    string? ip = null, hostname = null;
                    while (c.NextProperty(out var i, out var ie))
                    {
                        if (JsonCursor.NameIs(i, ie, "ip"u8))
                        {
                            ip = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(i, ie, "hostname"u8))
                        {
                            hostname = c.ReadString();
                        }
                        else
                        {
                            c.SkipValue();
                        }
                    }
                    KubeObjectConverter.AddIngress(ingress, ip, hostname);
                }
            }
        }
    }

    /// <summary>A ports array: name, port (<paramref name="missing"/> when absent) and protocol of each object item.</summary>
    private static void Ports(ref JsonCursor c, List<ServicePortInfo> ports, int missing)
    {
        if (!c.EnterArray())
        {
            return;
        }
        while (c.NextItem())
        {
            if (!c.EnterObject())
            {
                continue;
            }
            string? name = null, protocol = null;
            int? port = null;
            while (c.NextProperty(out var p, out var pe))
            {
                if (JsonCursor.NameIs(p, pe, "name"u8))
                {
                    name = c.ReadString();
                }
                else if (JsonCursor.NameIs(p, pe, "port"u8))
                {
                    port = c.ReadInt32();
                }
                else if (JsonCursor.NameIs(p, pe, "protocol"u8))
                {
                    protocol = c.ReadString();
                }
                else
                {
                    c.SkipValue();
                }
            }
            ports.Add(new ServicePortInfo(name ?? "", port ?? missing, KubeObjectConverter.Protocol(protocol)));
        }
    }

    /// <summary>A string array's items (an item of another type as null, as the models hold a JSON null); null when absent.</summary>
    private static List<string>? Strings(ref JsonCursor c)
    {
        if (!c.EnterArray())
        {
            return null;
        }
        var list = new List<string>(1);
        while (c.NextItem())
        {
            list.Add(c.ReadString()!);
        }
        return list;
    }

    /// <summary>The metadata DNS reads: namespace, name, resourceVersion, labels and whether the object is being deleted.</summary>
    private sealed class Meta
    {
        public string? Namespace;
        public string Name = "";
        public string? ResourceVersion;
        public Dictionary<string, string>? Labels;
        public bool Deleting;

        public void Read(ref JsonCursor c)
        {
            if (!c.EnterObject())
            {
                return;
            }
            while (c.NextProperty(out var name, out var escaped))
            {
                if (JsonCursor.NameIs(name, escaped, "name"u8))
                {
                    Name = c.ReadString() ?? "";
                }
                else if (JsonCursor.NameIs(name, escaped, "namespace"u8))
                {
                    Namespace = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "resourceVersion"u8))
                {
                    ResourceVersion = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "deletionTimestamp"u8))
                {
                    Deleting = c.ReadString() is not null;
                }
                else if (JsonCursor.NameIs(name, escaped, "labels"u8))
                {
                    if (c.EnterObject())
                    {
                        Labels = null;
                        while (c.NextProperty(out var key, out var keyEscaped))
                        {
                            // A null (or other non-string) value reads as "", as KubernetesClient's models read and convert it.
                            (Labels ??= new Dictionary<string, string>(StringComparer.Ordinal))[JsonCursor.Text(key, keyEscaped)] = c.ReadString() ?? "";
                        }
                    }
                }
                else
                {
                    c.SkipValue();
                }
            }
        }

        /// <summary>The object read: its namespace interned ("" when cluster-scoped), as the converted item's is.</summary>
        public ApiObject<T> Object<T>(T? item)
            where T : class =>
            new(SharedText.Intern(Namespace ?? ""), Name, ResourceVersion, item);
    }

    /// <summary>One endpoint's fields, kept until the slice's addressType and namespace are known.</summary>
    private sealed class EndpointFields
    {
        public List<string>? Addresses;
        public string? Hostname;
        public string? TargetRefName;
        public string? TargetRefKind;
        public string? NodeName;
        public string? Zone;
        public bool? Ready;

        /// <summary>The endpoint object the cursor has entered.</summary>
        public static EndpointFields Read(ref JsonCursor c)
        {
            var e = new EndpointFields();
            while (c.NextProperty(out var name, out var escaped))
            {
                if (JsonCursor.NameIs(name, escaped, "addresses"u8))
                {
                    e.Addresses = Strings(ref c);
                }
                else if (JsonCursor.NameIs(name, escaped, "hostname"u8))
                {
                    e.Hostname = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "nodeName"u8))
                {
                    e.NodeName = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "zone"u8))
                {
                    e.Zone = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "conditions"u8))
                {
                    if (c.EnterObject())
                    {
                        while (c.NextProperty(out var p, out var pe))
                        {
                            if (JsonCursor.NameIs(p, pe, "ready"u8))
                            {
                                e.Ready = c.ReadBoolean();
                            }
                            else
                            {
                                c.SkipValue();
                            }
                        }
                    }
                }
                else if (JsonCursor.NameIs(name, escaped, "targetRef"u8))
                {
                    if (c.EnterObject())
                    {
                        while (c.NextProperty(out var p, out var pe))
                        {
                            if (JsonCursor.NameIs(p, pe, "name"u8))
                            {
                                e.TargetRefName = c.ReadString();
                            }
                            else if (JsonCursor.NameIs(p, pe, "kind"u8))
                            {
                                e.TargetRefKind = c.ReadString();
                            }
                            else
                            {
                                c.SkipValue();
                            }
                        }
                    }
                }
                else
                {
                    c.SkipValue();
                }
            }
            return e;
        }
    }
}

/// <summary>
/// An object of a LIST or a watch event: its identity (namespace as sent, "" when cluster-scoped; name, "" when
/// none), its resourceVersion, and what DNS keeps of it (null for an object without a name).
/// </summary>
internal sealed class ApiObject<T>(string @namespace, string name, string? resourceVersion, T? item)
    where T : class
{
    public string Namespace { get; } = @namespace;

    public string Name { get; } = name;

    public string? ResourceVersion { get; } = resourceVersion;

    public T? Item { get; } = item;
}

/// <summary>What a watch event says happened to its object.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,

    /// <summary>The object is a Status (410 when the resourceVersion expired); never yielded, reported to onError.</summary>
    Error,
}

/// <summary>A watch ERROR event: the Status object's code (410 when the resourceVersion expired), reason and message.</summary>
public sealed class KubeWatchErrorException(int code, string? reason, string message)
    : Exception($"watch error {code} {reason}: {message}")
{
    /// <summary>The Status code (HTTP semantics: 410 Gone when the resourceVersion is too old).</summary>
    public int Code { get; } = code;

    /// <summary>The Status reason (Expired, ...), when sent.</summary>
    public string? Reason { get; } = reason;

    /// <summary>The Status message.</summary>
    public string StatusMessage { get; } = message;
}
