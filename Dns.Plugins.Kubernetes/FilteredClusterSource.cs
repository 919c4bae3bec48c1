using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// Applies <c>labels</c> and <c>namespace_labels</c> to a source that cannot filter itself (manifests): Services and
/// Pods by their labels, EndpointSlices with their Service (the EndpointSlice controller copies the Service's labels),
/// Namespaces by theirs. The filtered snapshot is built when the inner one changes, not per query.
/// </summary>
internal sealed class FilteredClusterSource : IClusterSource
{
    private readonly IClusterSource _inner;
    private readonly KubeLabelSelector? _labels;
    private readonly KubeLabelSelector? _namespaceLabels;
    private Pair _current;

    public FilteredClusterSource(IClusterSource inner, KubeLabelSelector? labels, KubeLabelSelector? namespaceLabels)
    {
        _inner = inner;
        _labels = labels;
        _namespaceLabels = namespaceLabels;
        _current = new Pair(ClusterSnapshot.Empty, ClusterSnapshot.Empty);
        _inner.Changed += OnChanged;
    }

    public event Action<ClusterSnapshot>? Changed;

    public ClusterSnapshot Current
    {
        get
        {
            var inner = _inner.Current;
            var cur = Volatile.Read(ref _current);
            return ReferenceEquals(cur.Inner, inner) ? cur.Filtered : Refresh(inner);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => _inner.StartAsync(cancellationToken);

    public Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _inner.WaitForSyncAsync(timeout, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _inner.Changed -= OnChanged;
        return _inner.DisposeAsync();
    }

    private void OnChanged(ClusterSnapshot inner) => Changed?.Invoke(Refresh(inner));

    private ClusterSnapshot Refresh(ClusterSnapshot inner)
    {
        var filtered = Filter(inner);
        Volatile.Write(ref _current, new Pair(inner, filtered));
        return filtered;
    }

    internal ClusterSnapshot Filter(ClusterSnapshot s)
    {
        var services = new List<ServiceInfo>();
        foreach (var svc in s.Services)
        {
            if (_labels is null || _labels.Matches(svc.Labels))
            {
                services.Add(svc);
            }
        }
        var slices = new List<EndpointSliceInfo>();
        foreach (var slice in s.Slices)
        {
            if (_labels is null || (s.GetService(slice.Namespace, slice.ServiceName) is { } owner && _labels.Matches(owner.Labels)))
            {
                slices.Add(slice);
            }
        }
        var pods = new List<PodInfo>();
        foreach (var p in s.Pods)
        {
            if (_labels is null || _labels.Matches(p.Labels))
            {
                pods.Add(p);
            }
        }
        var namespaces = new List<NamespaceInfo>();
        foreach (var n in s.Namespaces)
        {
            if (_namespaceLabels is null || _namespaceLabels.Matches(n.Labels))
            {
                namespaces.Add(n);
            }
        }
        return new ClusterSnapshot(services, slices, pods, namespaces, s.Serial, s.Synced);
    }

    private sealed record Pair(ClusterSnapshot Inner, ClusterSnapshot Filtered);
}
