using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Builds the models of an API object from its JSON keeping only the fields <see cref="KubeObjectConverter"/> reads
/// (an API object carries managedFields, a pod spec, conditions ... that DNS never looks at), through the same
/// reader the manifests source uses. <c>KubernetesJson</c>'s reflection-based serializer costs about 20 MB of
/// resident code and data at its first use, more than a 5,000-service cluster's whole model; it is kept only as the
/// fallback for a value of a kept field whose JSON type the reader leaves to it, which the API server never sends.
/// </summary>
internal static class ApiObjectReader
{
    private static readonly Shape Meta = new()
    {
        ["name"] = null,
        ["namespace"] = null,
        ["resourceVersion"] = null,
        ["labels"] = null,
    };

    private static readonly Shape Ports = new() { ["name"] = null, ["port"] = null, ["protocol"] = null };

    private static readonly Shape ServiceShape = new()
    {
        ["apiVersion"] = null,
        ["kind"] = null,
        ["metadata"] = Meta,
        ["spec"] = new Shape
        {
            ["type"] = null,
            ["clusterIP"] = null,
            ["clusterIPs"] = null,
            ["externalIPs"] = null,
            ["externalName"] = null,
            ["ports"] = Ports,
        },
        ["status"] = new Shape { ["loadBalancer"] = new Shape { ["ingress"] = new Shape { ["ip"] = null, ["hostname"] = null } } },
    };

    private static readonly Shape EndpointSliceShape = new()
    {
        ["apiVersion"] = null,
        ["kind"] = null,
        ["metadata"] = Meta,
        ["addressType"] = null,
        ["endpoints"] = new Shape
        {
            ["addresses"] = null,
            ["conditions"] = new Shape { ["ready"] = null },
            ["hostname"] = null,
            ["nodeName"] = null,
            ["zone"] = null,
            ["targetRef"] = new Shape { ["kind"] = null, ["name"] = null },
        },
        ["ports"] = Ports,
    };

    private static readonly Shape PodShape = new()
    {
        ["apiVersion"] = null,
        ["kind"] = null,
        ["metadata"] = Meta,
        ["status"] = new Shape { ["podIP"] = null, ["phase"] = null },
    };

    private static readonly Shape NamespaceShape = new() { ["apiVersion"] = null, ["kind"] = null, ["metadata"] = Meta };

    private static long _fallbacks;

    /// <summary>Objects read through the <c>KubernetesJson</c> fallback so far (tests: the API's objects never are).</summary>
    public static long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>A Service.</summary>
    public static V1Service? Service(JsonElement e) =>
        Read(e, ServiceShape, ManifestModelReader.Service);

    /// <summary>An EndpointSlice.</summary>
    public static V1EndpointSlice? EndpointSlice(JsonElement e) =>
        Read(e, EndpointSliceShape, ManifestModelReader.EndpointSlice);

    /// <summary>A Pod (its deletionTimestamp only as present or not: a terminating pod is not answered).</summary>
    public static V1Pod? Pod(JsonElement e)
    {
        var pod = Read(e, PodShape, ManifestModelReader.Pod);
        if (pod?.Metadata is { } meta
            && e.TryGetProperty("metadata", out var m)
            && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("deletionTimestamp", out var d)
            && d.ValueKind == JsonValueKind.String)
        {
            meta.DeletionTimestamp = DateTime.TryParse(d.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : DateTime.UnixEpoch;
        }
        return pod;
    }

    /// <summary>A Namespace.</summary>
    public static V1Namespace? Namespace(JsonElement e) =>
        Read(e, NamespaceShape, ManifestModelReader.Namespace);

    /// <summary>A Status (a watch ERROR event's object).</summary>
    public static V1Status Status(JsonElement e)
    {
        var s = new V1Status();
        if (e.ValueKind != JsonValueKind.Object)
        {
            return s;
        }
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "code" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var code):
                    s.Code = code;
                    break;
                case "message" when p.Value.ValueKind == JsonValueKind.String:
                    s.Message = p.Value.GetString();
                    break;
                case "reason" when p.Value.ValueKind == JsonValueKind.String:
                    s.Reason = p.Value.GetString();
                    break;
                case "status" when p.Value.ValueKind == JsonValueKind.String:
                    s.Status = p.Value.GetString();
                    break;
            }
        }
        return s;
    }

    private static T? Read<T>(JsonElement e, Shape shape, Func<JsonObject, T?> reader)
        where T : class
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var kept = (JsonObject)Prune(e, shape)!;
        if (reader(kept) is { } read)
        {
            return read;
        }
        Interlocked.Increment(ref _fallbacks);
        return KubernetesJson.Deserialize<T>(kept.ToJsonString());
    }

    /// <summary>The element with only the keys <paramref name="shape"/> names; arrays keep their items, each shaped alike.</summary>
    private static JsonNode? Prune(JsonElement e, Shape? shape)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object when shape is not null:
                var o = new JsonObject();
                foreach (var p in e.EnumerateObject())
                {
                    if (shape.TryGetValue(p.Name, out var inner))
                    {
                        o[p.Name] = Prune(p.Value, inner);
                    }
                }
                return o;
            case JsonValueKind.Array when shape is not null:
                var a = new JsonArray();
                foreach (var item in e.EnumerateArray())
                {
                    a.Add(Prune(item, shape));
                }
                return a;
            case JsonValueKind.Null:
                return null;
            default:
                // The element's document outlives the pruned tree, which is read at once and dropped: no copy.
                return e.ValueKind switch
                {
                    JsonValueKind.Object => JsonObject.Create(e),
                    JsonValueKind.Array => JsonArray.Create(e),
                    _ => JsonValue.Create(e),
                };
        }
    }

    /// <summary>The kept keys of one JSON object and, for an object or array of objects, the shape of their value.</summary>
    private sealed class Shape : Dictionary<string, Shape?>
    {
        public Shape()
            : base(StringComparer.Ordinal)
        {
        }
    }
}
