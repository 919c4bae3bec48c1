using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Testing;
using static Dns.Plugins.Forward.Tests.ForwardTestSupport;

namespace Dns.Plugins.Forward.Tests;

public sealed class ForwardRelayTests
{
    [Fact]
    public async Task Relay_EdnsOptionsFlagsAndUnknownType_SentAsIs()
    {
        await using var up = FakeUpstream.Answering();
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");
        var q = DnsMessage.CreateQuery(DnsName.Parse("Mixed.Example.ORG"), (DnsRecordType)65280, id: 7);
        q.CheckingDisabled = true;
        q.AuthenticData = true;
        q.Opt = new OptRecord { UdpPayloadSize = 4096, DnssecOk = true };
        q.Opt.Options.Add(new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8]));
        q.Opt.Options.Add(new EdnsOption(65001, [0xAB]));

        var ctx = await h.RunAsync(q);

        var sent = Assert.Single(up.Queries).Query;
        Assert.Equal("Mixed.Example.ORG.", sent.Question.Name.Text);
        Assert.Equal((DnsRecordType)65280, sent.Question.Type);
        Assert.True(sent.CheckingDisabled);
        Assert.True(sent.AuthenticData);
        Assert.True(sent.RecursionDesired);
        Assert.NotNull(sent.Opt);
        Assert.Equal(4096, sent.Opt!.UdpPayloadSize);
        Assert.True(sent.Opt.DnssecOk);
        Assert.Equal([new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8]), new EdnsOption(65001, [0xAB])], sent.Opt.Options);
        Assert.Equal(7, ctx.Response!.Id);
    }

    [Fact]
    public async Task Relay_UpstreamReply_ReturnedAsIsWithClientId()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query, "example.org. 1234 IN A 192.0.2.7");
            m.AuthoritativeAnswer = true;
            m.AuthenticData = true;
            m.Authority.Add(RecordText.Parse("example.org. 99 IN NS ns1.example.org."));
            m.Additional.Add(new UnknownRecord(DnsName.Parse("x.example.org."), 5, (DnsRecordType)65280, [9, 9]));
            m.Opt = new OptRecord();
            m.Opt.Options.Add(new EdnsOption(3, "nsid"u8.ToArray()));
            return FakeReply.Of(m);
        });
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");
        var q = Query("example.org", id: 31337);
        q.Opt = new OptRecord();

        var ctx = await h.RunAsync(q);

        var r = ctx.Response!;
        Assert.Equal(31337, r.Id);
        Assert.True(r.AuthoritativeAnswer);
        Assert.True(r.AuthenticData);
        Assert.True(r.RecursionAvailable);
        Assert.Equal("example.org. 1234 IN A 192.0.2.7", Text(Assert.Single(r.Answers)));
        Assert.Single(r.Authority);
        Assert.Equal((DnsRecordType)65280, Assert.Single(r.Additional).Type);
        Assert.Equal(3, Assert.Single(r.Opt!.Options).Code);
        Assert.Equal("forward", ctx.ResponsePlugin);
        Assert.Null(ctx.Error);
    }

    [Fact]
    public async Task Relay_UpstreamIds_RandomAndNotTheClients()
    {
        await using var up = FakeUpstream.Answering();
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");
        for (var i = 0; i < 200; i++)
        {
            var ctx = await h.RunAsync(Query($"q{i}.example.org", id: 4242));
            Assert.Equal(4242, ctx.Response!.Id);
        }
        var ids = up.Queries.Select(r => r.Query.Id).ToList();
        Assert.Equal(200, ids.Count);
        // Not the client's ID: a copied ID would match all 200; a random one matches 4242 by chance (p ≈ 0.3 % per
        // run for one, ~1e-8 for three), so up to two are allowed.
        Assert.True(ids.Count(id => id == 4242) <= 2, "upstream IDs copy the client's");
        // 200 draws from 65536: a handful of collisions at most, and no arithmetic sequence.
        Assert.True(ids.Distinct().Count() >= 190, "upstream IDs repeat");
        var steps = ids.Zip(ids.Skip(1), (a, b) => (b - a + 65536) % 65536).Distinct().Count();
        Assert.True(steps > 150, "upstream IDs look sequential");
        // A new socket per query: source ports vary too (RFC 5452 §9.2).
        Assert.True(up.Queries.Select(r => r.From.Port).Distinct().Count() > 150, "source ports are pinned");
    }

    [Fact]
    public async Task Relay_WrongIdThenRightId_RightOneAccepted()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var wrong = FakeReply.Answer(r.Query, "example.org. 60 IN A 6.6.6.6");
            wrong.Id = (ushort)(r.Query.Id ^ 0x5555);
            var right = FakeReply.Answer(r.Query, "example.org. 60 IN A 192.0.2.1");
            return new FakeReply([(wrong.ToArray(), TimeSpan.Zero), (right.ToArray(), TimeSpan.FromMilliseconds(50))]);
        });
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");

        var ctx = await h.RunAsync("example.org");

        Assert.Equal("example.org. 60 IN A 192.0.2.1", Text(Assert.Single(ctx.Response!.Answers)));
    }

    [Fact]
    public async Task Relay_GarbageThenRightReply_RightOneAccepted()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var right = FakeReply.Answer(r.Query, "example.org. 60 IN A 192.0.2.1").ToArray();
            var garbage = (byte[])right.Clone();
            garbage[^1] ^= 0xFF;
            Array.Resize(ref garbage, garbage.Length + 7);
            return new FakeReply([(garbage, TimeSpan.Zero), ([1, 2, 3], TimeSpan.Zero), (right, TimeSpan.FromMilliseconds(50))]);
        });
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");

        var ctx = await h.RunAsync("example.org");

        Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
        Assert.Single(ctx.Response.Answers);
    }

    [Fact]
    public async Task Relay_OnlyGarbage_ServFailWithReason()
    {
        await using var up = FakeUpstream.Start(_ => FakeReply.Raw([0xde, 0xad, 0xbe, 0xef]));
        var h = PluginHarness.Create($". {{\n forward . {up.Address} {{\n read_timeout 200ms\n max_fails 0\n }}\n}}");

        var ctx = await h.RunAsync("example.org");

        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Empty(ctx.Response.Answers);
        Assert.Contains("i/o timeout", ctx.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_ReplyForOtherQuestion_FormErr()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.Questions.Clear();
            m.Questions.Add(new DnsQuestion(DnsName.Parse("evil.example."), DnsRecordType.A));
            m.Answers.Add(RecordText.Parse("evil.example. 60 IN A 6.6.6.6"));
            return FakeReply.Of(m);
        });
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");

        var ctx = await h.RunAsync("example.org");

        Assert.Equal(ResponseCode.FormErr, ctx.Response!.ResponseCode);
        Assert.Empty(ctx.Response.Answers);
        Assert.Equal("example.org.", ctx.Response.Question.Name.Text);
    }

    [Fact]
    public async Task Relay_QuestionCaseDiffers_Accepted()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query, "EXAMPLE.org. 60 IN A 192.0.2.1");
            m.Questions[0] = new DnsQuestion(DnsName.Parse("EXAMPLE.org."), DnsRecordType.A);
            return FakeReply.Of(m);
        });
        var h = PluginHarness.Create($". {{\n forward . {up.Address}\n}}");

        var ctx = await h.RunAsync("example.org");

        Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
    }

    [Theory]
    [InlineData("example.org", true)]
    [InlineData("www.example.org", true)]
    [InlineData("internal.example.org", false)]
    [InlineData("a.internal.example.org", false)]
    [InlineData("example.net", false)]
    public async Task Match_FromAndExcept_ForwardedOrNext(string name, bool forwarded)
    {
        await using var up = FakeUpstream.Answering();
        var h = PluginHarness.Create($". {{\n forward example.org {up.Address} {{\n except internal.example.org\n }}\n}}");

        var ctx = await h.RunAsync(name);

        Assert.Equal(forwarded ? 1 : 0, up.Queries.Count);
        Assert.Equal(forwarded ? ResponseCode.NoError : ResponseCode.ServFail, ctx.Response!.ResponseCode);
    }

    [Fact]
    public async Task Match_ExceptEqualsFrom_FromStillForwarded()
    {
        await using var up = FakeUpstream.Answering();
        var h = PluginHarness.Create($". {{\n forward example.org {up.Address} {{\n except example.org\n }}\n}}");

        Assert.Equal(ResponseCode.NoError, (await h.RunAsync("example.org")).Response!.ResponseCode);
        Assert.Equal(ResponseCode.ServFail, (await h.RunAsync("www.example.org")).Response!.ResponseCode);
    }

    [Fact]
    public async Task SeveralForwards_MostSpecificFirst_EachGetsItsNames()
    {
        await using var a = FakeUpstream.Answering("192.0.2.1");
        await using var b = FakeUpstream.Answering("192.0.2.2");
        var h = PluginHarness.Create($". {{\n forward example.org {a.Address}\n forward . {b.Address}\n}}");

        var r1 = (await h.RunAsync("www.example.org")).Response!;
        var r2 = (await h.RunAsync("www.example.net")).Response!;

        Assert.Contains("192.0.2.1", Assert.Single(r1.Answers).DataText, StringComparison.Ordinal);
        Assert.Contains("192.0.2.2", Assert.Single(r2.Answers).DataText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_RcodeAndNextIsForward_SecondForwardAnswers()
    {
        await using var a = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.ResponseCode = ResponseCode.NxDomain;
            return FakeReply.Of(m);
        });
        await using var b = FakeUpstream.Answering("192.0.2.2");
        var h = PluginHarness.Create($". {{\n forward . {a.Address} {{\n next NXDOMAIN\n }}\n forward . {b.Address}\n}}");

        var r = (await h.RunAsync("www.example.org")).Response!;

        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.Contains("192.0.2.2", Assert.Single(r.Answers).DataText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_LastForward_UpstreamReplyReturned()
    {
        await using var a = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.ResponseCode = ResponseCode.NxDomain;
            return FakeReply.Of(m);
        });
        var h = PluginHarness.Create($". {{\n forward . {a.Address} {{\n next NXDOMAIN\n }}\n}}");

        Assert.Equal(ResponseCode.NxDomain, (await h.RunAsync("www.example.org")).Response!.ResponseCode);
    }

    [Fact]
    public async Task Failover_ServFail_NextUpstreamAnswers()
    {
        await using var bad = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.ResponseCode = ResponseCode.ServFail;
            return FakeReply.Of(m);
        });
        await using var good = FakeUpstream.Answering("192.0.2.9");
        var h = PluginHarness.Create($". {{\n forward . {bad.Address} {good.Address} {{\n policy sequential\n failover SERVFAIL\n }}\n}}");

        var r = (await h.RunAsync("www.example.org")).Response!;

        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.Single(bad.Queries);
    }

    [Fact]
    public async Task Failover_AllFail_LastReplyReturned()
    {
        await using var bad = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.ResponseCode = ResponseCode.ServFail;
            return FakeReply.Of(m);
        });
        var h = PluginHarness.Create($". {{\n forward . {bad.Address} {{\n failover SERVFAIL\n }}\n}}");

        var ctx = await h.RunAsync("www.example.org");

        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Null(ctx.Error);
        Assert.Single(bad.Queries);
    }
}
