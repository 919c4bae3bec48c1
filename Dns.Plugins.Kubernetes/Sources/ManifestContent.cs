using Dns.Plugins.Kubernetes.Data;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>The objects of one or more manifest files, typed, in file order.</summary>
public sealed class ManifestContent
{
    /// <summary>Files read, in order.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Services.</summary>
    public required IReadOnlyList<V1Service> Services { get; init; }

    /// <summary>EndpointSlices.</summary>
    public required IReadOnlyList<V1EndpointSlice> EndpointSlices { get; init; }

    /// <summary>Pods.</summary>
    public required IReadOnlyList<V1Pod> Pods { get; init; }

    /// <summary>Namespaces declared as objects.</summary>
    public required IReadOnlyList<V1Namespace> Namespaces { get; init; }

    /// <summary>Documents of other kinds that were skipped (apiVersion/kind name).</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>
    /// The snapshot of this content. Namespaces referenced by an object but not declared are created implicitly (a
    /// manifest of services alone must resolve; CoreDNS answers NXDOMAIN for names in a namespace that does not exist).
    /// </summary>
    public ClusterSnapshot ToSnapshot(uint serial, ILogger? logger = null)
    {
        var services = new List<ServiceInfo>();
        foreach (var s in Services)
        {
            if (KubeObjectConverter.ToService(s, logger) is { } i)
            {
                services.Add(i);
            }
        }
        var slices = new List<EndpointSliceInfo>();
        foreach (var s in EndpointSlices)
        {
            if (KubeObjectConverter.ToEndpointSlice(s, logger) is { } i)
            {
                slices.Add(i);
            }
        }
        var pods = new List<PodInfo>();
        foreach (var p in Pods)
        {
            if (KubeObjectConverter.ToPod(p, logger) is { } i)
            {
                pods.Add(i);
            }
        }
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var n in Namespaces)
        {
            if (KubeObjectConverter.ToNamespace(n) is { } i)
            {
                namespaces[i.Name] = i;
            }
        }
        foreach (var name in ReferencedNamespaces(services, slices, pods))
        {
            namespaces.TryAdd(name, new NamespaceInfo { Name = name });
        }
        return new ClusterSnapshot(services, slices, pods, namespaces.Values, serial, synced: true);
    }

    private static IEnumerable<string> ReferencedNamespaces(List<ServiceInfo> services, List<EndpointSliceInfo> slices, List<PodInfo> pods)
    {
        foreach (var s in services)
        {
            yield return s.Namespace;
        }
        foreach (var s in slices)
        {
            yield return s.Namespace;
        }
        foreach (var p in pods)
        {
            yield return p.Namespace;
        }
    }
}
