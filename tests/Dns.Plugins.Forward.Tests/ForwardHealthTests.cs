using System.Diagnostics;
using Dns.Core.Protocol;
using Dns.Testing;
using static Dns.Plugins.Forward.Tests.ForwardTestSupport;

namespace Dns.Plugins.Forward.Tests;

public sealed class ForwardHealthTests
{
    [Fact]
    public async Task Exchange_UpstreamSilent_ServFailAfterAttempts()
    {
        await using var up = FakeUpstream.Start(_ => FakeReply.Drop);
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n read_timeout 300ms\n}}");

        var sw = Stopwatch.StartNew();
        var ctx = await f.RunAsync("example.org");
        sw.Stop();

        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Empty(ctx.Response.Answers);
        Assert.Empty(ctx.Response.Authority);
        Assert.Equal("read udp " + up.Address + ": i/o timeout", ctx.Error);
        // Two attempts (2 x upstreams) of 300 ms each, well inside the 5 s deadline.
        Assert.InRange(sw.ElapsedMilliseconds, 550, 2000);
        Assert.Equal(2, up.Queries.Count);
    }

    [Fact]
    public async Task Health_UpstreamStopped_MarkedDownThenUpWithinASecondOfRecovery()
    {
        var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address}");
        up.Stop();

        var failed = await f.RunAsync("example.org");
        Assert.Equal(ResponseCode.ServFail, failed.Response!.ResponseCode);
        Assert.Contains("connection refused", failed.Error, StringComparison.Ordinal);

        // max_fails 2: down after the third failed probe (0.5 s apart).
        Assert.True(await EventuallyAsync(() => Task.FromResult(f.Upstreams[0].IsDown(2)), TimeSpan.FromSeconds(5)), "never marked down");
        Assert.True(f.Sample($"coredns_proxy_healthcheck_failures_total{{proxy_name=\"forward\",to=\"{up.Address}\"}}") >= 3);

        // Every upstream down: a random one is tried anyway and the broken counter moves.
        await f.RunAsync("example.org");
        Assert.True(f.Sample("coredns_forward_healthcheck_broken_total") >= 1);

        up.Restart();
        var sw = Stopwatch.StartNew();
        Assert.True(await EventuallyAsync(() => Task.FromResult(!f.Upstreams[0].IsDown(2)), TimeSpan.FromSeconds(3)), "never healthy again");
        Assert.InRange(sw.ElapsedMilliseconds, 0, 1200);
        Assert.Equal(ResponseCode.NoError, (await f.RunAsync("example.org")).Response!.ResponseCode);
        await up.DisposeAsync();
    }

    [Fact]
    public async Task Health_OneOfTwoSilent_NoSlowOrFailedQueriesOnceDown()
    {
        await using var dead = FakeUpstream.Start(_ => FakeReply.Drop);
        await using var good = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create(
            $"forward . {dead.Address} {good.Address} {{\n policy sequential\n read_timeout 200ms\n health_check 100ms\n}}");

        // The first query waits for the silent one, then gets its answer from the second.
        var first = await f.RunAsync("first.example.org");
        Assert.Equal(ResponseCode.NoError, first.Response!.ResponseCode);

        Assert.True(await EventuallyAsync(() => Task.FromResult(f.Upstreams[0].IsDown(2)), TimeSpan.FromSeconds(5)), "never marked down");
        var before = dead.Queries.Count;
        for (var i = 0; i < 20; i++)
        {
            var sw = Stopwatch.StartNew();
            var ctx = await f.RunAsync($"q{i}.example.org");
            Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
            Assert.True(sw.ElapsedMilliseconds < 150, $"query {i} took {sw.ElapsedMilliseconds} ms");
        }
        Assert.Equal(before, dead.Queries.Count);
    }

    [Fact]
    public async Task Health_ProbeAnsweredWithServFail_CountsAsHealthy()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.ResponseCode = ResponseCode.ServFail;
            return FakeReply.Of(m);
        });
        using var f = ForwardUnderTest.Create($"forward . {up.Address}");
        f.Upstreams[0].RecordHealthFailure();
        f.Upstreams[0].RecordHealthFailure();
        f.Upstreams[0].RecordHealthFailure();
        Assert.True(f.Upstreams[0].IsDown(2));

        Assert.True(await f.Upstreams[0].Health!.CheckAsync());

        Assert.False(f.Upstreams[0].IsDown(2));
        var probe = Assert.Single(up.Received).Query;
        Assert.Equal(DnsRecordType.Ns, probe.Question.Type);
        Assert.True(probe.Question.Name.IsRoot);
        Assert.True(probe.RecursionDesired);
    }

    [Fact]
    public async Task Health_NoRecAndDomain_ProbeShape()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n health_check 1s no_rec domain example.com\n}}");

        Assert.True(await f.Upstreams[0].Health!.CheckAsync());

        var probe = Assert.Single(up.Received).Query;
        Assert.Equal("example.com.", probe.Question.Name.Text);
        Assert.False(probe.RecursionDesired);
    }

    [Fact]
    public async Task Health_MaxFailsZero_NeverDownAndNoProbes()
    {
        var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n max_fails 0\n}}");
        up.Stop();

        await f.RunAsync("example.org");

        Assert.Null(f.Upstreams[0].Health);
        Assert.False(f.Upstreams[0].IsDown(0));
        await up.DisposeAsync();
    }

    [Fact]
    public async Task Failfast_AllDown_ServFailWithoutTrying()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n failfast_all_unhealthy_upstreams\n}}");
        for (var i = 0; i < 3; i++)
        {
            f.Upstreams[0].RecordHealthFailure();
        }

        var ctx = await f.RunAsync("example.org");

        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Equal("no healthy proxies", ctx.Error);
        Assert.Empty(up.Queries);
        Assert.Equal(1, f.Sample("coredns_forward_healthcheck_broken_total"));
    }

    [Fact]
    public async Task MaxConcurrent_Exceeded_RefusedAndCounted()
    {
        await using var up = FakeUpstream.Start(r => FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.1"), TimeSpan.FromMilliseconds(700)));
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n max_concurrent 2\n}}");

        var tasks = new List<Task<Dns.Core.Pipeline.DnsContext>>();
        for (var i = 0; i < 10; i++)
        {
            tasks.Add(f.RunAsync($"q{i}.example.org"));
        }
        var results = await Task.WhenAll(tasks);

        Assert.Equal(2, results.Count(c => c.Response!.ResponseCode == ResponseCode.NoError));
        Assert.Equal(8, results.Count(c => c.Response!.ResponseCode == ResponseCode.Refused));
        Assert.Equal("concurrent queries exceeded maximum 2", results.First(c => c.Response!.ResponseCode == ResponseCode.Refused).Error);
        Assert.Equal(8, f.Sample("coredns_forward_max_concurrent_rejects_total"));
        // The slots are free again, and a refusal is not a health failure.
        Assert.Equal(ResponseCode.NoError, (await f.RunAsync("after.example.org")).Response!.ResponseCode);
        Assert.False(f.Upstreams[0].Health!.Running);
    }
}
