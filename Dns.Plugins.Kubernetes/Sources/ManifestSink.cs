using Dns.Plugins.Kubernetes.Data;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>Receives the objects of manifests one by one, so a large file is never held as typed objects all at once.</summary>
internal abstract class ManifestSink
{
    /// <summary>
    /// Whether objects may be read by <see cref="ManifestYamlReader"/> and built by <see cref="ManifestModelReader"/>
    /// (false: YamlDotNet and KubernetesJson only, the reference the tests hold those two to).
    /// </summary>
    public bool Direct { get; init; } = true;

    public abstract void Add(V1Service service);

    public abstract void Add(V1EndpointSlice slice);

    public abstract void Add(V1Pod pod);

    public abstract void Add(V1Namespace ns);

    public abstract void Skip(string apiVersionKind);
}

/// <summary>Keeps the typed objects (<see cref="ManifestContent"/>).</summary>
internal sealed class TypedManifestSink : ManifestSink
{
    public List<string> Files { get; } = [];

    public List<V1Service> Services { get; } = [];

    public List<V1EndpointSlice> Slices { get; } = [];

    public List<V1Pod> Pods { get; } = [];

    public List<V1Namespace> Namespaces { get; } = [];

    public List<string> Skipped { get; } = [];

    public override void Add(V1Service service) => Services.Add(service);

    public override void Add(V1EndpointSlice slice) => Slices.Add(slice);

    public override void Add(V1Pod pod) => Pods.Add(pod);

    public override void Add(V1Namespace ns) => Namespaces.Add(ns);

    public override void Skip(string apiVersionKind) => Skipped.Add(apiVersionKind);

    public ManifestContent ToContent() => new()
    {
        Files = Files,
        Services = Services,
        EndpointSlices = Slices,
        Pods = Pods,
        Namespaces = Namespaces,
        Skipped = Skipped,
    };
}

/// <summary>
/// Converts each object to what DNS keeps as it arrives and builds the snapshot. Namespaces referenced by objects but
/// not declared are created implicitly: a manifest of services alone must resolve, and CoreDNS answers NXDOMAIN for
/// names in a namespace that does not exist.
/// </summary>
internal sealed class SnapshotManifestSink(ILogger? logger, bool keepPodNames = true) : ManifestSink
{
    private readonly List<ServiceInfo> _services = [];
    private readonly List<EndpointSliceInfo> _slices = [];
    private readonly List<PodInfo> _pods = [];
    private readonly Dictionary<string, NamespaceInfo> _namespaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);

    public int Skipped { get; private set; }

    public override void Add(V1Service service)
    {
        if (KubeObjectConverter.ToService(service, logger) is { } i)
        {
            _services.Add(i);
            _referenced.Add(i.Namespace);
        }
    }

    public override void Add(V1EndpointSlice slice)
    {
        if (KubeObjectConverter.ToEndpointSlice(slice, logger, keepPodNames) is { } i)
        {
            _slices.Add(i);
            _referenced.Add(i.Namespace);
        }
    }

    public override void Add(V1Pod pod)
    {
        if (KubeObjectConverter.ToPod(pod, logger) is { } i)
        {
            _pods.Add(i);
            _referenced.Add(i.Namespace);
        }
    }

    public override void Add(V1Namespace ns)
    {
        if (KubeObjectConverter.ToNamespace(ns) is { } i)
        {
            _namespaces[i.Name] = i;
        }
    }

    public override void Skip(string apiVersionKind) => Skipped++;

    public ClusterSnapshot ToSnapshot(uint serial)
    {
        foreach (var name in _referenced)
        {
            _namespaces.TryAdd(name, new NamespaceInfo { Name = name });
        }
        return new ClusterSnapshot(_services, _slices, _pods, _namespaces.Values, serial, synced: true);
    }
}
