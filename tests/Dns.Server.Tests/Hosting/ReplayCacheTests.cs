using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Server.Tests.Hosting;

[Collection(ReplayEpochCollection.Name)]
public sealed class ReplayCacheTests
{
    private static readonly QueryHandler Handler = new(new ZoneRouter<ServerBlockRuntime>(), false, "dns://:53", NullLogger.Instance);

    [Fact]
    public void Remember_PastMaxEntries_StartsOver()
    {
        var cache = new ReplayCache();
        Span<byte> reply = stackalloc byte[512];
        Assert.Equal(-1, cache.TryReplay(Handler, Query("x.test.", 1), 0, reply)); // binds the handler
        for (var i = 0; i < ReplayCache.MaxEntries; i++)
        {
            Remember(cache, "n" + i + ".test.");
        }
        Assert.Equal(ReplayCache.MaxEntries, cache.Count);
        Assert.True(cache.TryReplay(Handler, Query("n7.test.", 9), 0, reply) > 0);
        Remember(cache, "one-more.test.");
        Assert.Equal(1, cache.Count);
        Assert.Equal(-1, cache.TryReplay(Handler, Query("n7.test.", 9), 0, reply));
    }

    [Fact]
    public void TryReplay_OtherHandlerOrFamily_Miss()
    {
        var cache = new ReplayCache();
        Span<byte> reply = stackalloc byte[512];
        cache.TryReplay(Handler, Query("x.test.", 1), 0, reply);
        Remember(cache, "a.test.");
        Assert.Equal(-1, cache.TryReplay(Handler, Query("a.test.", 2), 1, reply));
        Assert.True(cache.TryReplay(Handler, Query("a.test.", 2), 0, reply) > 0);
        var other = new QueryHandler(new ZoneRouter<ServerBlockRuntime>(), false, "dns://:53", NullLogger.Instance);
        Assert.Equal(-1, cache.TryReplay(other, Query("a.test.", 2), 0, reply));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryReplay_Hit_AllocatesNothing()
    {
        var handler = new QueryHandler(new ZoneRouter<ServerBlockRuntime>(), false, "dns://:53", NullLogger.Instance)
        {
            ReplayMetrics = new RequestMetrics(new CoreMetrics(new Dns.Core.Metrics.MetricsRegistry()), "dns://:53", ["test."]),
        };
        var cache = new ReplayCache();
        var reply = new byte[512];
        var packet = Query("a.test.", 1);
        cache.TryReplay(handler, packet, 0, reply);
        var request = DnsMessage.Parse(packet);
        var ctx = new DnsContext(request, DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5353)) { Replayable = true, Zone = "test." };
        ctx.Response = request.CreateResponse();
        cache.Remember(handler, packet, 0, ReplayEpoch.Current, ctx, ctx.Response.ToArray());
        for (var i = 0; i < 100; i++)
        {
            Assert.True(cache.TryReplay(handler, packet, 0, reply) > 0);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            cache.TryReplay(handler, packet, 0, reply);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("02 00 00 35 7f 00 00 01 00 00 00 00 00 00 00 00", 0)] // sockaddr_in 127.0.0.1
    [InlineData("0a 00 00 35 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 7f 00 00 01 00 00 00 00", 0)] // ::ffff:127.0.0.1
    [InlineData("0a 00 00 35 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00", 1)] // ::1
    public void FamilyOf_SockaddrFamilies(string hex, int family)
    {
        Assert.Equal(family, ReplayCache.FamilyOf(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    private static void Remember(ReplayCache cache, string name)
    {
        var packet = Query(name, 1);
        var request = DnsMessage.Parse(packet);
        var ctx = new DnsContext(request, DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5353)) { Replayable = true };
        ctx.Response = request.CreateResponse();
        var bytes = ctx.Response.ToArray();
        cache.Remember(Handler, packet, 0, ReplayEpoch.Current, ctx, bytes);
    }

    private static byte[] Query(string name, ushort id) => DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, id).ToArray();
}
