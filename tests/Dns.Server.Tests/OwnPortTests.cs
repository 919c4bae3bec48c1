using System.Net.Sockets;
using Dns.Testing;

namespace Dns.Server.Tests;

/// <summary>The helper for tests that must name their own port: a taken port is retried with another.</summary>
public sealed class OwnPortTests
{
    [Fact]
    public async Task RetryAsync_PortTakenInBetween_TriesAnother()
    {
        var tried = new List<int>();
        var port = await OwnPort.RetryAsync(p =>
        {
            tried.Add(p);
            if (tried.Count < 3)
            {
                throw new InvalidOperationException("listen", new SocketException((int)SocketError.AddressAlreadyInUse));
            }
            return Task.FromResult(p);
        });
        Assert.Equal(3, tried.Count);
        Assert.Equal(tried[2], port);
        Assert.InRange(port, 1, 65535);
    }

    [Fact]
    public async Task RetryAsync_OtherFailure_NotRetried()
    {
        var calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => OwnPort.RetryAsync<int>(_ =>
        {
            calls++;
            throw new InvalidOperationException("bad Corefile");
        }));
        Assert.Equal(1, calls);
    }
}
