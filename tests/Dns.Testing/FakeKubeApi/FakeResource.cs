using k8s.Models;

namespace Dns.Testing.FakeKubeApi;

/// <summary>One resource kind held by the fake API server: current objects and the event log watches replay from.</summary>
internal sealed class FakeResource(string plural, string groupVersion, string kind, bool namespaced)
{
    public string Plural { get; } = plural;

    public string GroupVersion { get; } = groupVersion;

    public string Kind { get; } = kind;

    public bool Namespaced { get; } = namespaced;

    public SortedDictionary<string, FakeStoredObject> Objects { get; } = new(StringComparer.Ordinal);

    public List<FakeWatchEvent> Log { get; } = [];

    /// <summary>Watches from a resourceVersion below this get 410 Gone.</summary>
    public long CompactedRv { get; set; }

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    public static FakeResource For(Type type) => type == typeof(V1Service) ? new("services", "v1", "Service", true)
        : type == typeof(V1Pod) ? new("pods", "v1", "Pod", true)
        : type == typeof(V1Namespace) ? new("namespaces", "v1", "Namespace", false)
        : type == typeof(V1EndpointSlice) ? new("endpointslices", "discovery.k8s.io/v1", "EndpointSlice", true)
        : throw new ArgumentException("unsupported kind " + type.Name);
}

/// <summary>A stored object as JSON with what filtering needs.</summary>
internal sealed record FakeStoredObject(string? Namespace, string Name, IDictionary<string, string>? Labels, string Json, long Rv);

/// <summary>A logged change; <paramref name="OldLabels"/> lets a selector-filtered watch turn label changes into ADDED/DELETED.</summary>
internal sealed record FakeWatchEvent(long Rv, string Type, FakeStoredObject Object, IDictionary<string, string>? OldLabels);
