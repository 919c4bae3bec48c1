using Dns.Server.Hosting;

namespace Dns.Server.Tests.Hosting;

/// <summary>When the server asks for a heap trim after a burst of allocation.</summary>
public sealed class BurstEndTests
{
    private const long MB = 1L << 20;

    [Fact]
    public void QuietAfterABurst_OneTrim_ThenNoneUntilTheNextBurst()
    {
        var b = new BurstEnd(2 * MB, quietTicks: 3, allocated: 100 * MB);
        Assert.False(b.Observe(101 * MB));
        Assert.False(b.Observe(103 * MB));
        Assert.False(b.Observe(103 * MB));
        Assert.False(b.Observe(103 * MB));
        Assert.True(b.Observe(103 * MB));
        // Still quiet: no second trim for the same burst.
        for (var i = 0; i < 20; i++)
        {
            Assert.False(b.Observe(103 * MB));
        }
        // A small allocation and a quiet spell: below the threshold since the trim.
        Assert.False(b.Observe(104 * MB));
        for (var i = 0; i < 5; i++)
        {
            Assert.False(b.Observe(104 * MB));
        }
        // The next burst.
        Assert.False(b.Observe(106 * MB));
        Assert.False(b.Observe(106 * MB));
        Assert.False(b.Observe(106 * MB));
        Assert.True(b.Observe(106 * MB));
    }

    [Fact]
    public void SteadyAllocation_NeverATrim()
    {
        var b = new BurstEnd(2 * MB, quietTicks: 3, allocated: 0);
        for (var i = 1; i < 1000; i++)
        {
            Assert.False(b.Observe(i * 64 * 1024));
        }
    }

    [Fact]
    public void SmallBurst_NoTrim()
    {
        var b = new BurstEnd(2 * MB, quietTicks: 3, allocated: 0);
        Assert.False(b.Observe(MB));
        for (var i = 0; i < 10; i++)
        {
            Assert.False(b.Observe(MB));
        }
    }
}
