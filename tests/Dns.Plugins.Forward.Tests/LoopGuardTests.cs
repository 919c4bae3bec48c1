using System.Net;
using System.Net.Sockets;

namespace Dns.Plugins.Forward.Tests;

public sealed class LoopGuardTests
{
    [Fact]
    public void HopsOf_QueryFromOwnInFlightSocket_OneMoreUntilLeft()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, 53));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var mapped = new IPEndPoint(local.Address.MapToIPv6(), local.Port);

        Assert.Equal(0, LoopGuard.HopsOf(local));
        var key = LoopGuard.Enter(socket, 3);
        Assert.Equal(4, LoopGuard.HopsOf(local));
        Assert.Equal(4, LoopGuard.HopsOf(mapped));
        Assert.Equal(0, LoopGuard.HopsOf(new IPEndPoint(IPAddress.Parse("192.0.2.1"), local.Port)));
        LoopGuard.Leave(key);

        Assert.Equal(0, LoopGuard.HopsOf(local));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.53", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("192.0.2.1", false)]
    [InlineData("2001:db8::1", false)]
    public void IsLocal_Address_OnlyLoopbackAnyOrOwn(string address, bool local) =>
        Assert.Equal(local, LoopGuard.IsLocal(IPAddress.Parse(address)));
}
