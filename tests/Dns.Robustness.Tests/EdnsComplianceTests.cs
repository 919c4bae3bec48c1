using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.1-5.2, RFC 6891 and RFC 8906.</summary>
public sealed class EdnsComplianceTests
{
    [Fact]
    public async Task Query_EdnsVersion1WithOption_BadVersOptVersion0NoOptionNoAnswer()
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query(edit: m =>
        {
            m.Opt = new OptRecord { UdpPayloadSize = 1232, Version = 1 };
            m.Opt.Options.Add(new EdnsOption(100, [1, 2, 3]));
        });
        var reply = DnsMessage.Parse((await RawDns.UdpAsync(server.EndPoint, q))!);
        Assert.Equal(ResponseCode.BadVers, reply.ResponseCode);
        Assert.NotNull(reply.Opt);
        Assert.Equal(0, reply.Opt.Version);
        Assert.Empty(reply.Opt.Options);
        Assert.Empty(reply.Answers);
        await Attack.AssertAliveAsync(server);
    }

    [Fact]
    public async Task Query_UnknownOptionAndFlags_AnsweredWithoutEchoAndMbzZero()
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query(edit: m =>
        {
            m.Opt = new OptRecord { UdpPayloadSize = 1232, Z = 0x0080 };
            m.Opt.Options.Add(new EdnsOption(100, [9]));
            m.Opt.Options.Add(new EdnsOption(3, []));
            m.Opt.Options.Add(new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8]));
            m.Zero = true;
        });
        var reply = DnsMessage.Parse((await RawDns.UdpAsync(server.EndPoint, q))!);
        Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
        Assert.Single(reply.Answers);
        Assert.NotNull(reply.Opt);
        Assert.Equal(0, reply.Opt.Version);
        Assert.Equal(0, reply.Opt.Z);
        Assert.Empty(reply.Opt.Options);
        Assert.False(reply.Zero);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Query_DoBit_EchoedInReplyOpt(bool dnssecOk)
    {
        await using var server = await Attack.StartAsync();
        var q = Attack.Query(edit: m => m.Opt = new OptRecord { UdpPayloadSize = 4096, DnssecOk = dnssecOk });
        var reply = DnsMessage.Parse((await RawDns.UdpAsync(server.EndPoint, q))!);
        Assert.NotNull(reply.Opt);
        Assert.Equal(dnssecOk, reply.Opt.DnssecOk);
    }

    [Fact]
    public async Task Query_WithoutEdns_ReplyHasNoOpt()
    {
        await using var server = await Attack.StartAsync();
        var reply = DnsMessage.Parse((await RawDns.UdpAsync(server.EndPoint, Attack.Query()))!);
        Assert.Null(reply.Opt);
        Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
    }

    [Fact]
    public async Task Dig_EdnsOptAndFlags_NoErrorNoMbzNoEcho()
    {
        await using var server = await Attack.StartAsync();
        var dig = await Dig.RunAsync(server.Port, "+ednsopt=100", "+ednsflags=0x80", "alive.test", "A");
        Assert.Equal("NOERROR", dig.Status);
        Assert.DoesNotContain("MBZ", dig.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OPT=100", dig.Output, StringComparison.Ordinal);
        Assert.Contains("EDNS: version: 0", dig.Output, StringComparison.Ordinal);
    }
}
