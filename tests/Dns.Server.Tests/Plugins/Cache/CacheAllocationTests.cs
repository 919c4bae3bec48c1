using System.Net;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Cache;

namespace Dns.Server.Tests.Plugins.Cache;

public sealed class CacheAllocationTests
{
    [Fact]
    public async Task Hit_Warm_AllocatesOnlyTheReplyMessage()
    {
        var options = new CacheOptions { Zones = [DnsName.Root] };
        var plugin = new CachePlugin(options, new CacheMetrics(new MetricsRegistry()), TimeProvider.System);
        DnsRequestDelegate backend = static ctx =>
        {
            var r = ctx.Request.CreateResponse();
            for (var i = 1; i <= 4; i++)
            {
                r.Answers.Add(new ARecord(ctx.QueryName, 300, new IPAddress([192, 0, 2, (byte)i])));
            }
            ctx.Response = r;
            return default;
        };
        var query = DnsMessage.CreateQuery(DnsName.Parse("www.example.org"), DnsRecordType.A);
        var remote = new IPEndPoint(IPAddress.Loopback, 5353);
        await plugin.InvokeAsync(new DnsContext(query, DnsTransport.Udp, remote), backend);
        await plugin.InvokeAsync(new DnsContext(query, DnsTransport.Udp, remote), backend);

        const int N = 1000;
        var contexts = new DnsContext[N];
        for (var i = 0; i < N; i++)
        {
            contexts[i] = new DnsContext(query, DnsTransport.Udp, remote);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < N; i++)
        {
            var vt = plugin.InvokeAsync(contexts[i], backend);
            Assert.True(vt.IsCompletedSuccessfully);
        }
        var perHit = (GC.GetAllocatedBytesForCurrentThread() - before) / N;

        Assert.All(contexts, c => Assert.Equal(4, c.Response!.Answers.Count));
        // A DnsMessage with its section lists and the copied record references; records are not re-created.
        Assert.InRange(perHit, 0, 1024);
    }
}
