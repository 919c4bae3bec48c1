using Dns.Core.Pipeline;

namespace Dns.Core.Tests.Pipeline;

public class HeapTrimTests
{
    [Fact]
    public async Task Request_WhenEnabled_RunsOneCollectionForRequestsCloseTogether()
    {
        var runs = HeapTrim.Runs;
        var gen2 = GC.CollectionCount(2);
        HeapTrim.Enable(TimeSpan.FromMilliseconds(200));
        HeapTrim.Request();
        HeapTrim.Request();
        HeapTrim.Request();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (HeapTrim.Runs == runs && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(runs + 1, HeapTrim.Runs);
        await Task.Delay(400);
        Assert.Equal(runs + 1, HeapTrim.Runs);
        Assert.True(GC.CollectionCount(2) > gen2);
    }
}
