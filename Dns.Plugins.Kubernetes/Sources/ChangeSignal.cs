namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// "Something changed" for a loop that rebuilds: set any number of times, it wakes the loop once; the loop
/// <see cref="Take"/>s it right before it reads the state, so a change made after that wakes it again, and changes
/// made before are covered by the one rebuild (a bounded channel of one that drops writes when full, without
/// loading System.Threading.Channels).
/// </summary>
internal sealed class ChangeSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _set;

    /// <summary>Marks a change; wakes the waiting loop unless it is already marked.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Waits until a change is marked (it stays marked until <see cref="Take"/>).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _wake.WaitAsync(cancellationToken);

    /// <summary>Clears the mark: changes from here on wake the loop again.</summary>
    public void Take() => Volatile.Write(ref _set, 0);
}
