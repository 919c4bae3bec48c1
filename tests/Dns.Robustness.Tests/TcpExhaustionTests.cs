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
        var baselineFds = Directory.GetFiles("/proc/self/fd").Length;
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
            // More than half the cap is open: idle connections get the 1 s pressure timeout, half-open ones 3 s.
            var closed = await Task.WhenAll(sockets.Select(s => Attack.ClosedWithinAsync(s, 8000)));
            Assert.All(closed, Assert.True);
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
            fds = Directory.GetFiles("/proc/self/fd").Length;
        }
        while (fds > baselineFds + 20 && DateTime.UtcNow < deadline);
        Assert.True(fds <= baselineFds + 20, $"fds {fds}, baseline {baselineFds}");
    }
}
