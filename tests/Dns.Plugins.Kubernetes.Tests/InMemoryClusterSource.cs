using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>A cluster source over snapshots built in the test; <see cref="Set"/> swaps the current one.</summary>
internal sealed class InMemoryClusterSource : IClusterSource
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterSnapshot _current;

    public InMemoryClusterSource(ClusterSnapshot initial)
    {
        _current = initial;
        if (initial.Synced)
        {
            _synced.TrySetResult();
        }
    }

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    public event Action<ClusterSnapshot>? Changed;

    public int StartCalls { get; private set; }

    public bool Disposed { get; private set; }

    public void Set(ClusterSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        if (snapshot.Synced)
        {
            _synced.TrySetResult();
        }
        Changed?.Invoke(snapshot);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartCalls++;
        return Task.CompletedTask;
    }

    public async Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await _synced.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return default;
    }
}
