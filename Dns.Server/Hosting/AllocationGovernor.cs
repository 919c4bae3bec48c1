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
    private long _mark;
    private int _collections;

    public AllocationGovernor(long budget, TimeSpan period)
    {
        _budget = budget;
        _collections = GC.CollectionCount(0);
        _mark = GC.GetTotalAllocatedBytes();
        _timer = new Timer(static s => ((AllocationGovernor)s!).Tick(), this, period, period);
    }

    /// <summary>Young collections this governor ran.</summary>
    public int Forced { get; private set; }

    private void Tick()
    {
        var collections = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes();
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
