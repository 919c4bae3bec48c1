namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Timings of the list+watch loops. Defaults follow client-go: backoff 1 s doubling to 30 s with jitter (reset, unlike
/// client-go, as soon as a LIST completes or a watch streams events: recovery must not wait out a grown delay), reset after a
/// watch stayed healthy for 2 minutes; server-side watch timeout jittered in 5..10 minutes; a client-side watchdog
/// cancels a watch silent for longer than its timeout plus slack (kubernetes-client/csharp#884).
/// </summary>
public sealed record ReflectorTiming
{
    /// <summary>Items per LIST page (<c>limit</c>).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>First retry delay after a failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A watch that lived this long resets the backoff.</summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Smallest server-side <c>timeoutSeconds</c> of a watch.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest server-side <c>timeoutSeconds</c> of a watch.</summary>
    public TimeSpan MaxWatchTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A watch that delivered nothing (no event, no bookmark) for this long is cancelled and restarted from the last
    /// resourceVersion. Null: the watch's own timeout plus 30 s.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Changes arriving within this window are folded into one new snapshot.</summary>
    public TimeSpan CoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(20);
}
