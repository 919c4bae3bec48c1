namespace Dns.Core.Pipeline;

/// <summary>
/// Returns the garbage of a large load to the system: a plugin that has just built a large data set (the first full
/// list of a cluster, a reloaded file) asks for it, and some time later, when the loading garbage is dead, one
/// compacting collection of every generation runs and the runtime releases the freed memory. Requests close
/// together run one collection; collections are at least <see cref="MinimumInterval"/> apart, since each pauses the
/// process (tens of ms for a large cluster). Off until the server enables it (the command line does; tests, which
/// host many servers in one process, do not). On Linux, glibc's free native memory is released too.
/// </summary>
public static class HeapTrim
{
    /// <summary>The least time between two collections.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    private static readonly Lock Gate = new();
    private static TimeSpan _delay;
    private static bool _enabled;
    private static bool _scheduled;
    private static long _lastRun = long.MinValue;

    /// <summary>Collections run (for tests and the stats line).</summary>
    public static int Runs { get; private set; }

    /// <summary>Turns trimming on: each request runs a collection <paramref name="delay"/> later.</summary>
    public static void Enable(TimeSpan delay)
    {
        lock (Gate)
        {
            _delay = delay;
            _enabled = true;
        }
    }

    /// <summary>Asks for a collection once the current load's garbage is dead. Cheap; never blocks on the collection.</summary>
    public static void Request()
    {
        lock (Gate)
        {
            if (!_enabled || _scheduled)
            {
                return;
            }
            _scheduled = true;
        }
        _ = Task.Run(static async () =>
        {
            TimeSpan wait;
            lock (Gate)
            {
                var sinceLast = _lastRun == long.MinValue ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastRun);
                wait = sinceLast >= MinimumInterval ? _delay : MinimumInterval - sinceLast + _delay;
            }
            await Task.Delay(wait).ConfigureAwait(false);
            lock (Gate)
            {
                // Requests from here on schedule the next collection: they may come with new garbage.
                _scheduled = false;
                _lastRun = Environment.TickCount64;
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            ReleaseNativeFreeMemory();
            lock (Gate)
            {
                Runs++;
            }
        });
    }

    /// <summary>
    /// glibc keeps what its threads freed (the JIT compiling the loading code, for one: 8 MB on a 20,000-service
    /// start) in per-thread arenas, resident, until <c>malloc_trim</c> hands the free pages back.
    /// </summary>
    private static void ReleaseNativeFreeMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to release this way.
        }
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
