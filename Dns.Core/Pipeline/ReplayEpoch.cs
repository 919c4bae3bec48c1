namespace Dns.Core.Pipeline;

/// <summary>
/// A process-wide version of the data that replayable replies were computed from. A reply the server keeps in wire
/// form to replay it (see <see cref="IReplaySafe"/>) is valid only while the epoch it was computed under is current;
/// a plugin whose answers come from data that changes (a cluster snapshot, a reloaded file) advances the epoch after
/// every change. Advancing is cheap and rare next to queries; it drops every kept reply at once.
/// </summary>
public static class ReplayEpoch
{
    private static long _current;

    /// <summary>The current epoch.</summary>
    public static long Current => Volatile.Read(ref _current);

    /// <summary>Makes every reply computed so far stale; call after the new data is visible to queries.</summary>
    public static void Advance() => Interlocked.Increment(ref _current);
}
