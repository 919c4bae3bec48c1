using System.Buffers.Binary;
using Dns.Core.Protocol;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.8: RFC 7766 framing edge cases.</summary>
public sealed class TcpFramingTests
{
    [Fact]
    public async Task ThreeQueriesInOneWrite_ThreeAnswersMatchedById()
    {
        await using var server = await Attack.StartAsync();
        using var s = await Attack.ConnectAsync(server);
        var all = new List<byte>();
        all.AddRange(Attack.Frame(Attack.Query("slow.test.", id: 1)));
        all.AddRange(Attack.Frame(Attack.Query("a.test.", id: 2)));
        all.AddRange(Attack.Frame(Attack.Query("b.test.", id: 3)));
        await s.SendAsync(all.ToArray());
        var ids = new HashSet<ushort>();
        for (var i = 0; i < 3; i++)
        {
            var r = await Attack.ReadFrameAsync(s);
            Assert.NotNull(r);
            Assert.Equal(ResponseCode.NoError, r.ResponseCode);
            ids.Add(r.Id);
        }
        Assert.Equal(new HashSet<ushort> { 1, 2, 3 }, ids);
    }

    [Fact]
    public async Task QueryDribbledByteByByte_Answered()
    {
        await using var server = await Attack.StartAsync();
        using var s = await Attack.ConnectAsync(server);
        foreach (var b in Attack.Frame(Attack.Query(id: 77)))
        {
            await s.SendAsync(new[] { b });
            await Task.Delay(2);
        }
        var r = await Attack.ReadFrameAsync(s);
        Assert.NotNull(r);
        Assert.Equal(77, r.Id);
    }

    [Fact]
    public async Task LengthPrefixSplitAcrossWrites_Answered()
    {
        await using var server = await Attack.StartAsync();
        using var s = await Attack.ConnectAsync(server);
        var f = Attack.Frame(Attack.Query(id: 78));
        await s.SendAsync(f[..1]);
        await Task.Delay(20);
        await s.SendAsync(f[1..]);
        var r = await Attack.ReadFrameAsync(s);
        Assert.NotNull(r);
        Assert.Equal(78, r.Id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task LengthBelowHeader_ConnectionClosedOthersUnaffected(int length)
    {
        await using var server = await Attack.StartAsync();
        using var bad = await Attack.ConnectAsync(server);
        using var good = await Attack.ConnectAsync(server);
        var prefix = new byte[2 + length];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)length);
        await bad.SendAsync(prefix);
        Assert.True(await Attack.ClosedWithinAsync(bad, 2000));
        await good.SendAsync(Attack.Frame(Attack.Query(id: 5)));
        var r = await Attack.ReadFrameAsync(good);
        Assert.NotNull(r);
        Assert.Equal(5, r.Id);
    }
}
