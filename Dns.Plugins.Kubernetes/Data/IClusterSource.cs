namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// Where cluster data comes from (the API server through list+watch reflectors, or manifest files). Lookups only read
/// <see cref="Current"/>, an immutable snapshot swapped atomically; they never wait on the network.
/// </summary>
public interface IClusterSource : IAsyncDisposable
{
    /// <summary>The latest snapshot (never null; empty and unsynced at first).</summary>
    ClusterSnapshot Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed (not on the query path).</summary>
    event Action<ClusterSnapshot>? Changed;

    /// <summary>Starts listing and watching; returns once started (not once synced).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Completes when every required resource has been listed once, or when <paramref name="timeout"/> passes (false then).</summary>
    Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
