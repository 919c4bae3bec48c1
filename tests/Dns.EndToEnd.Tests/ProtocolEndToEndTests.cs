using System.Buffers.Binary;
using System.Net.Sockets;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

/// <summary>The transports and accept rules, through real sockets.</summary>
public sealed class ProtocolEndToEndTests : IAsyncLifetime
{
    private TestDnsServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestDnsServer.StartAsync("example.org:0 {\n    hosts {\n        10.0.0.1 www.example.org\n        reload 0\n    }\n}\n");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] Query(ushort id, string name = "www.example.org.") =>
        DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, id).ToArray();

    private async Task AssertAliveAsync()
    {
        var r = await RawDns.QueryUdpAsync(_server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("www.example.org."), DnsRecordType.A, 777));
        Assert.NotNull(r);
        Assert.Equal(777, r.Id);
        Assert.Single(r.Answers);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x03, (byte)'w', (byte)'w' })]
    [InlineData(new byte[] { 0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01 })]
    public async Task Udp_GarbageBody_FormErrThenStillServing(byte[] body)
    {
        var packet = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(packet, 0x1234);
        packet[2] = 0x01; // RD
        packet[5] = 1; // QDCOUNT = 1
        body.CopyTo(packet, 12);
        var reply = await RawDns.UdpAsync(_server.EndPoint, packet);
        Assert.NotNull(reply);
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(reply));
        Assert.True((reply[2] & 0x80) != 0, "QR");
        Assert.Equal((int)ResponseCode.FormErr, reply[3] & 0x0F);
        await AssertAliveAsync();
    }

    [Fact]
    public async Task Udp_Opcode15_NotImp()
    {
        var packet = Query(0x4321);
        packet[2] = (byte)((packet[2] & 0x87) | (15 << 3));
        var reply = await RawDns.UdpAsync(_server.EndPoint, packet);
        Assert.NotNull(reply);
        Assert.Equal((int)ResponseCode.NotImp, reply[3] & 0x0F);
        Assert.Equal(15, (reply[2] >> 3) & 0x0F);
        await AssertAliveAsync();
    }

    [Fact]
    public async Task Udp_ResponsePacket_NoReply()
    {
        var packet = Query(0x5555);
        packet[2] |= 0x80;
        Assert.Null(await RawDns.UdpAsync(_server.EndPoint, packet, timeoutMs: 300));
        await AssertAliveAsync();
    }

    [Fact]
    public async Task Udp_ShorterThanHeader_NoReply()
    {
        Assert.Null(await RawDns.UdpAsync(_server.EndPoint, [0x12, 0x34, 0x01], timeoutMs: 300));
        await AssertAliveAsync();
    }

    private async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(_server.EndPoint);
        return s;
    }

    private static byte[] Frame(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    private static async Task<DnsMessage?> ReadFramedAsync(Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var len = new byte[2];
        if (!await ReadExactlyAsync(s, len, cts.Token))
        {
            return null;
        }
        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
        return await ReadExactlyAsync(s, body, cts.Token) ? DnsMessage.Parse(body) : null;
    }

    private static async Task<bool> ReadExactlyAsync(Socket s, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }

    [Fact]
    public async Task Tcp_PipelinedQueriesInOneWrite_AllAnswered()
    {
        using var s = await ConnectAsync();
        var batch = Frame(Query(1)).Concat(Frame(Query(2))).Concat(Frame(Query(3, "nope.example.org."))).ToArray();
        await s.SendAsync(batch);
        var ids = new List<(int Id, ResponseCode Code)>();
        for (var i = 0; i < 3; i++)
        {
            var m = await ReadFramedAsync(s);
            Assert.NotNull(m);
            ids.Add((m.Id, m.ResponseCode));
        }
        Assert.Equal([(1, ResponseCode.NoError), (2, ResponseCode.NoError), (3, ResponseCode.ServFail)], ids.OrderBy(x => x.Id));
    }

    [Fact]
    public async Task Tcp_LengthPrefixSplitAcrossWrites_Answered()
    {
        using var s = await ConnectAsync();
        var framed = Frame(Query(0x0A0B));
        await s.SendAsync(framed.AsMemory(0, 1));
        // Give the first byte its own segment so the server sees a split prefix.
        await Task.Delay(50);
        await s.SendAsync(framed.AsMemory(1, 2));
        await Task.Delay(50);
        await s.SendAsync(framed.AsMemory(3));
        var m = await ReadFramedAsync(s);
        Assert.NotNull(m);
        Assert.Equal(0x0A0B, m.Id);
        Assert.Single(m.Answers);
    }

    [Fact]
    public async Task Tcp_ZeroLength_ClosesConnection()
    {
        using var s = await ConnectAsync();
        await s.SendAsync(new byte[] { 0, 0 });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buf = new byte[16];
        var n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
        Assert.Equal(0, n);
        await AssertAliveAsync();
    }

    [Fact]
    public async Task Tcp_ResponsePacket_ClosesWithoutReply()
    {
        using var s = await ConnectAsync();
        var q = Query(9);
        q[2] |= 0x80;
        await s.SendAsync(Frame(q));
        Assert.Null(await ReadFramedAsync(s));
    }
}
