using System.Diagnostics;
using Dns.Server.Hosting;

namespace Dns.Server.Tests.Hosting;

/// <summary>Runs alone: other tests' allocations and collections would move the governor's mark.</summary>
[Collection(ReplayEpochCollection.Name)]
public sealed class AllocationGovernorTests
{
    [Fact]
    public async Task AllocationsPastBudget_YoungCollectionForced()
    {
        using var governor = new AllocationGovernor(budget: 1 << 20, period: TimeSpan.FromMilliseconds(10));
        var keep = new List<byte[]>();
        var sw = Stopwatch.StartNew();
        while (governor.Forced == 0 && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            keep.Add(new byte[4096]);
            if (keep.Count > 1024)
            {
                keep.Clear();
                await Task.Delay(15);
            }
        }
        Assert.True(governor.Forced > 0, "no young collection was forced");
    }

    [Fact]
    public async Task NoAllocation_NothingForced()
    {
        using var governor = new AllocationGovernor(budget: 1L << 40, period: TimeSpan.FromMilliseconds(10));
        await Task.Delay(100);
        Assert.Equal(0, governor.Forced);
    }
}
