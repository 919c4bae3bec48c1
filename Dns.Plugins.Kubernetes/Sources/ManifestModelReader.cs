using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Builds the KubernetesClient models of the four kinds DNS reads straight from a parsed manifest object, for the
/// fields manifests usually carry (metadata, a Service's spec and load-balancer status, an EndpointSlice's endpoints
/// and ports, a Pod's status, a Namespace's finalizers and phase). <c>KubernetesJson</c>'s first use reflects over
/// the models and cost more start-up time than the whole rest of a 1,000-service load.
/// <para>
/// Every method answers null, so the caller deserializes with <c>KubernetesJson</c> (and its YAML fallback) as
/// before, for any field it does not know or any value whose JSON type is not exactly the one System.Text.Json takes
/// without conversion (a number where a string belongs, a fraction or null where an integer belongs, ...). What it
/// does build is therefore what <c>KubernetesJson</c> builds from the same object.
/// </para>
/// </summary>
internal static class ManifestModelReader
{
    public static V1Service? Service(JsonObject o)
    {
        var s = new V1Service();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "apiVersion" when String(v, out var a):
                    s.ApiVersion = a;
                    break;
                case "kind" when String(v, out var a):
                    s.Kind = a;
                    break;
                case "metadata" when Metadata(v, out var m):
                    s.Metadata = m;
                    break;
                case "spec" when ServiceSpec(v, out var spec):
                    s.Spec = spec;
                    break;
                case "status" when ServiceStatus(v, out var status):
                    s.Status = status;
                    break;
                default:
                    return null;
            }
        }
        return s;
    }

    public static V1EndpointSlice? EndpointSlice(JsonObject o)
    {
        var s = new V1EndpointSlice();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "apiVersion" when String(v, out var a):
                    s.ApiVersion = a;
                    break;
                case "kind" when String(v, out var a):
                    s.Kind = a;
                    break;
                case "metadata" when Metadata(v, out var m):
                    s.Metadata = m;
                    break;
                case "addressType" when String(v, out var a):
                    s.AddressType = a;
                    break;
                case "endpoints" when List<V1Endpoint>(v, Endpoint, out var e):
                    s.Endpoints = e;
                    break;
                case "ports" when List<Discoveryv1EndpointPort>(v, EndpointPort, out var p):
                    s.Ports = p;
                    break;
                default:
                    return null;
            }
        }
        return s;
    }

    public static V1Pod? Pod(JsonObject o)
    {
        var p = new V1Pod();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "apiVersion" when String(v, out var a):
                    p.ApiVersion = a;
                    break;
                case "kind" when String(v, out var a):
                    p.Kind = a;
                    break;
                case "metadata" when Metadata(v, out var m):
                    p.Metadata = m;
                    break;
                case "status" when PodStatus(v, out var status):
                    p.Status = status;
                    break;
                case "spec" when v is null:
                    break;
                default:
                    // A pod's spec (containers, volumes, resources ...) is left to KubernetesJson.
                    return null;
            }
        }
        return p;
    }

    public static V1Namespace? Namespace(JsonObject o)
    {
        var n = new V1Namespace();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "apiVersion" when String(v, out var a):
                    n.ApiVersion = a;
                    break;
                case "kind" when String(v, out var a):
                    n.Kind = a;
                    break;
                case "metadata" when Metadata(v, out var m):
                    n.Metadata = m;
                    break;
                case "spec" when Object(v, out var spec):
                    if (spec is not null)
                    {
                        n.Spec = new V1NamespaceSpec();
                        foreach (var (sk, sv) in spec)
                        {
                            if (sk != "finalizers" || !StringList(sv, out var f))
                            {
                                return null;
                            }
                            n.Spec.Finalizers = f;
                        }
                    }
                    break;
                case "status" when Object(v, out var status):
                    if (status is not null)
                    {
                        n.Status = new V1NamespaceStatus();
                        foreach (var (sk, sv) in status)
                        {
                            if (sk != "phase" || !String(sv, out var phase))
                            {
                                return null;
                            }
                            n.Status.Phase = phase;
                        }
                    }
                    break;
                default:
                    return null;
            }
        }
        return n;
    }

    private static bool Metadata(JsonNode? node, out V1ObjectMeta? meta)
    {
        meta = null;
        if (!Object(node, out var o))
        {
            return false;
        }
        if (o is null)
        {
            return true;
        }
        var m = new V1ObjectMeta();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "name" when String(v, out var s):
                    m.Name = s;
                    break;
                case "namespace" when String(v, out var s):
                    m.NamespaceProperty = s;
                    break;
                case "generateName" when String(v, out var s):
                    m.GenerateName = s;
                    break;
                case "resourceVersion" when String(v, out var s):
                    m.ResourceVersion = s;
                    break;
                case "uid" when String(v, out var s):
                    m.Uid = s;
                    break;
                case "selfLink" when String(v, out var s):
                    m.SelfLink = s;
                    break;
                case "labels" when StringMap(v, out var d):
                    m.Labels = d;
                    break;
                case "annotations" when StringMap(v, out var d):
                    m.Annotations = d;
                    break;
                case "finalizers" when StringList(v, out var l):
                    m.Finalizers = l;
                    break;
                case "generation" when Int64(v, out var g):
                    m.Generation = g;
                    break;
                case "creationTimestamp" or "deletionTimestamp" when v is null:
                    // kubectl's "creationTimestamp: null"; a time goes through KubernetesJson's date converter.
                    break;
                default:
                    return false;
            }
        }
        meta = m;
        return true;
    }

    private static bool ServiceSpec(JsonNode? node, out V1ServiceSpec? spec)
    {
        spec = null;
        if (!Object(node, out var o))
        {
            return false;
        }
        if (o is null)
        {
            return true;
        }
        var s = new V1ServiceSpec();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "type" when String(v, out var t):
                    s.Type = t;
                    break;
                case "clusterIP" when String(v, out var t):
                    s.ClusterIP = t;
                    break;
                case "clusterIPs" when StringList(v, out var l):
                    s.ClusterIPs = l;
                    break;
                case "ports" when List<V1ServicePort>(v, ServicePort, out var p):
                    s.Ports = p;
                    break;
                case "selector" when StringMap(v, out var d):
                    s.Selector = d;
                    break;
                case "externalName" when String(v, out var t):
                    s.ExternalName = t;
                    break;
                case "externalIPs" when StringList(v, out var l):
                    s.ExternalIPs = l;
                    break;
                case "ipFamilies" when StringList(v, out var l):
                    s.IpFamilies = l;
                    break;
                case "ipFamilyPolicy" when String(v, out var t):
                    s.IpFamilyPolicy = t;
                    break;
                case "sessionAffinity" when String(v, out var t):
                    s.SessionAffinity = t;
                    break;
                case "internalTrafficPolicy" when String(v, out var t):
                    s.InternalTrafficPolicy = t;
                    break;
                case "externalTrafficPolicy" when String(v, out var t):
                    s.ExternalTrafficPolicy = t;
                    break;
                case "loadBalancerIP" when String(v, out var t):
                    s.LoadBalancerIP = t;
                    break;
                case "loadBalancerClass" when String(v, out var t):
                    s.LoadBalancerClass = t;
                    break;
                case "loadBalancerSourceRanges" when StringList(v, out var l):
                    s.LoadBalancerSourceRanges = l;
                    break;
                case "trafficDistribution" when String(v, out var t):
                    s.TrafficDistribution = t;
                    break;
                case "publishNotReadyAddresses" when Bool(v, out var b):
                    s.PublishNotReadyAddresses = b;
                    break;
                case "allocateLoadBalancerNodePorts" when Bool(v, out var b):
                    s.AllocateLoadBalancerNodePorts = b;
                    break;
                case "healthCheckNodePort" when Int32(v, out var i):
                    s.HealthCheckNodePort = i;
                    break;
                default:
                    return false;
            }
        }
        spec = s;
        return true;
    }

    private static bool ServicePort(JsonNode? node, out V1ServicePort? port)
    {
        port = null;
        if (node is not JsonObject o)
        {
            return false;
        }
        var p = new V1ServicePort();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "name" when String(v, out var s):
                    p.Name = s;
                    break;
                case "protocol" when String(v, out var s):
                    p.Protocol = s;
                    break;
                case "appProtocol" when String(v, out var s):
                    p.AppProtocol = s;
                    break;
                case "port" when v is not null && Int32(v, out var i):
                    p.Port = i!.Value;
                    break;
                case "nodePort" when Int32(v, out var i):
                    p.NodePort = i;
                    break;
                case "targetPort" when v is null:
                    break;
                case "targetPort" when v is JsonValue t && t.GetValueKind() == JsonValueKind.String && t.TryGetValue<string>(out var s):
                    p.TargetPort = s;
                    break;
                case "targetPort" when v is JsonValue t && t.GetValueKind() == JsonValueKind.Number && t.TryGetValue<long>(out var l):
                    // IntOrString's converter reads any integer as Int64.
                    p.TargetPort = l;
                    break;
                default:
                    return false;
            }
        }
        port = p;
        return true;
    }

    private static bool ServiceStatus(JsonNode? node, out V1ServiceStatus? status)
    {
        status = null;
        if (!Object(node, out var o))
        {
            return false;
        }
        if (o is null)
        {
            return true;
        }
        var s = new V1ServiceStatus();
        foreach (var (k, v) in o)
        {
            if (k != "loadBalancer" || !Object(v, out var lb))
            {
                return false;
            }
            if (lb is null)
            {
                continue;
            }
            s.LoadBalancer = new V1LoadBalancerStatus();
            foreach (var (lk, lv) in lb)
            {
                if (lk != "ingress" || !List<V1LoadBalancerIngress>(lv, Ingress, out var ingress))
                {
                    return false;
                }
                s.LoadBalancer.Ingress = ingress;
            }
        }
        status = s;
        return true;
    }

    private static bool Ingress(JsonNode? node, out V1LoadBalancerIngress? ingress)
    {
        ingress = null;
        if (node is not JsonObject o)
        {
            return false;
        }
        var i = new V1LoadBalancerIngress();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "ip" when String(v, out var s):
                    i.Ip = s;
                    break;
                case "hostname" when String(v, out var s):
                    i.Hostname = s;
                    break;
                case "ipMode" when String(v, out var s):
                    i.IpMode = s;
                    break;
                default:
                    return false;
            }
        }
        ingress = i;
        return true;
    }

    private static bool Endpoint(JsonNode? node, out V1Endpoint? endpoint)
    {
        endpoint = null;
        if (node is not JsonObject o)
        {
            return false;
        }
        var e = new V1Endpoint();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "addresses" when StringList(v, out var l):
                    e.Addresses = l;
                    break;
                case "hostname" when String(v, out var s):
                    e.Hostname = s;
                    break;
                case "nodeName" when String(v, out var s):
                    e.NodeName = s;
                    break;
                case "zone" when String(v, out var s):
                    e.Zone = s;
                    break;
                case "deprecatedTopology" when StringMap(v, out var d):
                    e.DeprecatedTopology = d;
                    break;
                case "conditions" when Object(v, out var c):
                    if (c is not null)
                    {
                        e.Conditions = new V1EndpointConditions();
                        foreach (var (ck, cv) in c)
                        {
                            if (!Bool(cv, out var b))
                            {
                                return false;
                            }
                            switch (ck)
                            {
                                case "ready":
                                    e.Conditions.Ready = b;
                                    break;
                                case "serving":
                                    e.Conditions.Serving = b;
                                    break;
                                case "terminating":
                                    e.Conditions.Terminating = b;
                                    break;
                                default:
                                    return false;
                            }
                        }
                    }
                    break;
                case "targetRef" when Object(v, out var r):
                    if (r is not null)
                    {
                        e.TargetRef = new V1ObjectReference();
                        foreach (var (rk, rv) in r)
                        {
                            if (!String(rv, out var s))
                            {
                                return false;
                            }
                            switch (rk)
                            {
                                case "kind":
                                    e.TargetRef.Kind = s;
                                    break;
                                case "name":
                                    e.TargetRef.Name = s;
                                    break;
                                case "namespace":
                                    e.TargetRef.NamespaceProperty = s;
                                    break;
                                case "uid":
                                    e.TargetRef.Uid = s;
                                    break;
                                case "apiVersion":
                                    e.TargetRef.ApiVersion = s;
                                    break;
                                case "resourceVersion":
                                    e.TargetRef.ResourceVersion = s;
                                    break;
                                case "fieldPath":
                                    e.TargetRef.FieldPath = s;
                                    break;
                                default:
                                    return false;
                            }
                        }
                    }
                    break;
                default:
                    return false;
            }
        }
        endpoint = e;
        return true;
    }

    private static bool EndpointPort(JsonNode? node, out Discoveryv1EndpointPort? port)
    {
        port = null;
        if (node is not JsonObject o)
        {
            return false;
        }
        var p = new Discoveryv1EndpointPort();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "name" when String(v, out var s):
                    p.Name = s;
                    break;
                case "protocol" when String(v, out var s):
                    p.Protocol = s;
                    break;
                case "appProtocol" when String(v, out var s):
                    p.AppProtocol = s;
                    break;
                case "port" when Int32(v, out var i):
                    p.Port = i;
                    break;
                default:
                    return false;
            }
        }
        port = p;
        return true;
    }

    private static bool PodStatus(JsonNode? node, out V1PodStatus? status)
    {
        status = null;
        if (!Object(node, out var o))
        {
            return false;
        }
        if (o is null)
        {
            return true;
        }
        var s = new V1PodStatus();
        foreach (var (k, v) in o)
        {
            switch (k)
            {
                case "podIP" when String(v, out var t):
                    s.PodIP = t;
                    break;
                case "phase" when String(v, out var t):
                    s.Phase = t;
                    break;
                case "hostIP" when String(v, out var t):
                    s.HostIP = t;
                    break;
                case "reason" when String(v, out var t):
                    s.Reason = t;
                    break;
                case "message" when String(v, out var t):
                    s.Message = t;
                    break;
                case "qosClass" when String(v, out var t):
                    s.QosClass = t;
                    break;
                case "podIPs" when List<V1PodIP>(v, PodIP, out var l):
                    s.PodIPs = l;
                    break;
                default:
                    return false;
            }
        }
        status = s;
        return true;
    }

    private static bool PodIP(JsonNode? node, out V1PodIP? ip)
    {
        ip = null;
        if (node is not JsonObject o)
        {
            return false;
        }
        var p = new V1PodIP();
        foreach (var (k, v) in o)
        {
            if (k != "ip" || !String(v, out var s))
            {
                return false;
            }
            p.Ip = s;
        }
        ip = p;
        return true;
    }

    private delegate bool ItemReader<T>(JsonNode? node, out T? item)
        where T : class;

    /// <summary>A list of items (null stays null: System.Text.Json sets the property to null, as when it is absent).</summary>
    private static bool List<T>(JsonNode? node, ItemReader<T> read, out IList<T>? list)
        where T : class
    {
        list = null;
        if (node is null)
        {
            return true;
        }
        if (node is not JsonArray a)
        {
            return false;
        }
        var l = new List<T>(a.Count);
        foreach (var item in a)
        {
            // Null items are left to KubernetesJson.
            if (item is null || !read(item, out var t) || t is null)
            {
                return false;
            }
            l.Add(t);
        }
        list = l;
        return true;
    }

    private static bool Object(JsonNode? node, out JsonObject? o)
    {
        o = node as JsonObject;
        return node is null || o is not null;
    }

    /// <summary>A string, or null (either leaves a string property as System.Text.Json would).</summary>
    private static bool String(JsonNode? node, out string? s)
    {
        s = null;
        return node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue(out s));
    }

    private static bool StringList(JsonNode? node, out IList<string>? list)
    {
        list = null;
        if (node is null)
        {
            return true;
        }
        if (node is not JsonArray a)
        {
            return false;
        }
        var l = new List<string>(a.Count);
        foreach (var item in a)
        {
            if (item is null || !String(item, out var s))
            {
                return false;
            }
            l.Add(s!);
        }
        list = l;
        return true;
    }

    private static bool StringMap(JsonNode? node, out IDictionary<string, string>? map)
    {
        map = null;
        if (node is null)
        {
            return true;
        }
        if (node is not JsonObject o)
        {
            return false;
        }
        var d = new Dictionary<string, string>(o.Count);
        foreach (var (k, v) in o)
        {
            if (v is null || !String(v, out var s))
            {
                return false;
            }
            d[k] = s!;
        }
        map = d;
        return true;
    }

    private static bool Bool(JsonNode? node, out bool? b)
    {
        b = null;
        if (node is null)
        {
            return true;
        }
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            b = v.GetValueKind() == JsonValueKind.True;
            return true;
        }
        return false;
    }

    /// <summary>An integer System.Text.Json reads as Int32 without conversion (not 80.0, not "80"), or null.</summary>
    private static bool Int32(JsonNode? node, out int? i)
    {
        i = null;
        if (node is null)
        {
            return true;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue)
        {
            i = (int)l;
            return true;
        }
        return false;
    }

    private static bool Int64(JsonNode? node, out long? i)
    {
        i = null;
        if (node is null)
        {
            return true;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l))
        {
            i = l;
            return true;
        }
        return false;
    }
}
