using System.Net;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class BindEndToEndTests
{
    private static DnsMessage Query() => DnsMessage.CreateQuery(DnsName.Parse("example.org."), DnsRecordType.A, 99);

    [Fact]
    public async Task Bind_Loopback4_AnswersOn127001()
    {
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\n");
        var reply = await RawDns.QueryUdpAsync(new IPEndPoint(IPAddress.Loopback, server.Port), Query());
        Assert.NotNull(reply);
        Assert.Equal(99, reply.Id);
    }

    [Fact]
    public async Task Bind_Loopback6Only_NotReachableOn127001()
    {
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    bind lo {\n        except 127.0.0.1\n    }\n    whoami\n}\n");
        Assert.NotNull(await RawDns.QueryUdpAsync(new IPEndPoint(IPAddress.IPv6Loopback, server.Port), Query()));
        DnsMessage? v4;
        try
        {
            v4 = await RawDns.QueryUdpAsync(new IPEndPoint(IPAddress.Loopback, server.Port), Query(), 300);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused)
        {
            // ICMP port unreachable: nothing listens on 127.0.0.1 at that port.
            v4 = null;
        }
        Assert.Null(v4);
    }
}
