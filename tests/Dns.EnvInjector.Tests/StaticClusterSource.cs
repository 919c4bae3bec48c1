using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

/// <summary>An in-memory source: a fixed snapshot that a test can replace (raising <see cref="Changed"/>).</summary>
internal sealed class StaticClusterSource : IClusterSource
{
    private volatile ClusterSnapshot _current;
    private readonly bool _syncs;

    public StaticClusterSource(IEnumerable<ServiceInfo> services, IEnumerable<NamespaceInfo>? namespaces = null, bool syncs = true)
    {
        _syncs = syncs;
        _current = Snapshot(services, namespaces, syncs);
    }

    public ClusterSnapshot Current => _current;

    public event Action<ClusterSnapshot>? Changed;

    public bool Started { get; private set; }

    public bool Disposed { get; private set; }

    public static ClusterSnapshot Snapshot(IEnumerable<ServiceInfo> services, IEnumerable<NamespaceInfo>? namespaces = null, bool synced = true) =>
        new(services, [], [], namespaces ?? [], 1, synced);

    public void Set(IEnumerable<ServiceInfo> services, IEnumerable<NamespaceInfo>? namespaces = null)
    {
        _current = Snapshot(services, namespaces, _syncs);
        Changed?.Invoke(_current);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started = true;
        return Task.CompletedTask;
    }

    public Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult(_syncs);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return default;
    }
}
