using System.Buffers.Binary;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.4 and §5.6: opcodes, responses sent as queries, bad counts, short packets.</summary>
public sealed class HeaderAttackTests
{
    [Fact]
    public async Task Opcode15WithEveryFlag_NotImpWithoutAaRaAdZ()
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query();
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(2), (ushort)((15 << 11) | 0x07F0));
        var raw = await RawDns.UdpAsync(server.EndPoint, q);
        Assert.NotNull(raw);
        var reply = DnsMessage.Parse(raw);
        Assert.Equal(ResponseCode.NotImp, reply.ResponseCode);
        Assert.True(reply.IsResponse);
        Assert.False(reply.AuthoritativeAnswer);
        Assert.False(reply.RecursionAvailable);
        Assert.False(reply.AuthenticData);
        Assert.False(reply.Zero);
        Assert.Empty(reply.Answers);
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task ResponseSentAsQuery_Udp_NoReply()
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query(edit: m => m.IsResponse = true);
        Assert.Null(await RawDns.UdpAsync(server.EndPoint, q, 300));
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task ResponseSentAsQuery_Tcp_ConnectionClosed()
    {
        await using var server = await Attack.StartAsync();
        using var s = await Attack.ConnectAsync(server);
        await s.SendAsync(Attack.Frame(Attack.Query(edit: m => m.IsResponse = true)));
        Assert.True(await Attack.ClosedWithinAsync(s, 2000));
        await Attack.AssertAliveAsync(server);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(11)]
    public async Task ShorterThanHeader_NoReply(int length)
    {
        await using var server = await Attack.StartAsync();
        Assert.Null(await RawDns.UdpAsync(server.EndPoint, Attack.Query()[..length], 300));
        await Attack.AssertAliveAsync(server);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 3)]
    public async Task BadCounts_FormErrHeaderOnly(int qdcount, int ancount)
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query();
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(4), (ushort)qdcount);
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(6), (ushort)ancount);
        var raw = await RawDns.UdpAsync(server.EndPoint, q);
        Assert.NotNull(raw);
        Assert.Equal(12, raw.Length);
        var reply = DnsMessage.Parse(raw);
        Assert.Equal(ResponseCode.FormErr, reply.ResponseCode);
        Assert.Equal(0x1234, reply.Id);
        await Attack.AssertAliveAsync(server);
    }
}
