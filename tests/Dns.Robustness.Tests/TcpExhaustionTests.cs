using System.Net.Sockets;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.9: hundreds of idle and half-open connections neither starve UDP nor stay open.</summary>
public sealed class TcpExhaustionTests
{
    [Fact]
    public async Task IdleAndHalfOpenFlood_UdpServedConnectionsReclaimedTcpRecovers()
    {
        await using var server = await Attack.StartAsync();
        // Sockets, not all descriptors: assemblies loaded meanwhile by tests running in parallel hold descriptors too.
        var baselineFds = Attack.OpenSockets();
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 600; i++)
            {
                var s = await Attack.ConnectAsync(server);
                if (i % 2 == 0)
                {
                    await s.SendAsync(new byte[] { 0 });
                }
                sockets.Add(s);
            }
            for (var i = 0; i < 20; i++)
            {
                await Attack.AssertAliveAsync(server);
            }
            // While more than half the cap is open, idle connections get the 1 s pressure timeout (half-open ones
            // 3 s); the server sheds until it is below half, then the normal 10 s idle timeout closes the rest.
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var closedAt = await Task.WhenAll(sockets.Select(async s => await Attack.ClosedWithinAsync(s, 14000) ? sw.ElapsedMilliseconds : -1));
            Assert.DoesNotContain(-1L, closedAt);
            var shedQuickly = closedAt.Count(ms => ms < 5000);
            Assert.True(shedQuickly >= 100, $"only {shedQuickly} connections were shed under pressure");
            var r = await RawDns.QueryTcpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("a.test."), DnsRecordType.A, 3));
            Assert.NotNull(r);
            Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        }
        finally
        {
            foreach (var s in sockets)
            {
                s.Dispose();
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(15);
        int fds;
        do
        {
            await Task.Delay(100);
            fds = Attack.OpenSockets();
        }
        while (fds > baselineFds + 20 && DateTime.UtcNow < deadline);
        Assert.True(fds <= baselineFds + 20, $"sockets {fds}, baseline {baselineFds}");
    }
}
