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
        var sink = new SnapshotManifestSink(logger);
        foreach (var n in Namespaces)
        {
            sink.Add(n);
        }
        foreach (var s in Services)
        {
            sink.Add(s);
        }
        foreach (var s in EndpointSlices)
        {
            sink.Add(s);
        }
        foreach (var p in Pods)
        {
            sink.Add(p);
        }
        return sink.ToSnapshot(serial);
    }
}
