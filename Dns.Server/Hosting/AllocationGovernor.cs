namespace Dns.Server.Hosting;

/// <summary>
/// Bounds how much garbage the server lets pile up between collections. The runtime sizes the youngest generation
/// from the CPU's last-level cache, which on large (or virtual) machines is hundreds of MB: a server allocating a
/// little per slow-path query (TCP, forwarded and first-seen questions) would then grow its resident memory by that
/// much before the first collection. Every <c>period</c> this checks the bytes allocated since the last young
/// collection and runs one itself past <c>budget</c>; a young collection of a server's short-lived garbage is cheap.
/// The runtime's own <c>DOTNET_GCgen0size</c> does the same but is read only from the environment.
/// </summary>
internal sealed class AllocationGovernor : IDisposable
{
    private readonly long _budget;
    private readonly Timer _timer;
    private readonly BurstEnd _burst;
    private long _mark;
    private int _collections;

    public AllocationGovernor(long budget, TimeSpan period)
    {
        _budget = budget;
        _collections = GC.CollectionCount(0);
        _mark = GC.GetTotalAllocatedBytes();
        // Ten quiet ticks: a second at the server's 100 ms period.
        _burst = new BurstEnd(BurstEnd.DefaultThreshold, quietTicks: 10, _mark);
        _timer = new Timer(static s => ((AllocationGovernor)s!).Tick(), this, period, period);
    }

    /// <summary>Young collections this governor ran.</summary>
    public int Forced { get; private set; }

    private void Tick()
    {
        var collections = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes();
        if (_burst.Observe(allocated))
        {
            Dns.Core.Pipeline.HeapTrim.Request();
        }
        if (collections != _collections)
        {
            // The runtime collected on its own since the last look: measure from here.
            _collections = collections;
            _mark = allocated;
            return;
        }
        if (allocated - _mark < _budget)
        {
            return;
        }
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        Forced++;
        _collections = GC.CollectionCount(0);
        _mark = GC.GetTotalAllocatedBytes();
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>
/// Tells when a burst of allocation has ended. A burst (first-seen names, a relist, a reload) leaves young garbage
/// resident up to the budget, and a young collection keeps those pages for the next allocations; once the server
/// has allocated <c>threshold</c> bytes since the last trim and then nothing for <c>quietTicks</c> looks in a row,
/// a trim (<see cref="Dns.Core.Pipeline.HeapTrim"/>, which spaces its pauses at least 10 s apart) returns them.
/// Under steady allocating load there is no quiet spell, and no trim; a server answering only from its replay
/// cache allocates nothing and is asked at most once.
/// </summary>
internal sealed class BurstEnd(long threshold, int quietTicks, long allocated)
{
    /// <summary>The allocation since the last trim that makes a burst worth a trim.</summary>
    public const long DefaultThreshold = 2L << 20;

    private long _trimMark = allocated;
    private long _lastSeen = allocated;
    private int _quiet;

    /// <summary>One look at the process's allocated bytes; true when a trim should be asked for now.</summary>
    public bool Observe(long allocatedBytes)
    {
        _quiet = allocatedBytes == _lastSeen ? _quiet + 1 : 0;
        _lastSeen = allocatedBytes;
        if (_quiet < quietTicks || allocatedBytes - _trimMark < threshold)
        {
            return false;
        }
        _trimMark = allocatedBytes;
        return true;
    }
}
