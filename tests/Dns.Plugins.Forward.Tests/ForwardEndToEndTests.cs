using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

public sealed class ForwardEndToEndTests
{
    [Fact]
    public async Task Dig_Udp_AnswerAndEdnsOptionRelayed()
    {
        await using var up = FakeUpstream.Answering("192.0.2.44", ttl: 123);
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {up.Address}\n}}");

        var r = await Dig.RunAsync(server.Port, "+ednsopt=65001:abcd", "+cd", "+dnssec", "www.example.org", "A");

        Assert.Equal("NOERROR", r.Status);
        Assert.Equal(["www.example.org. 123 IN A 192.0.2.44"], r.Section("ANSWER"));
        Assert.Contains("cd", r.Flags.Split(' '));
        var sent = Assert.Single(up.Queries).Query;
        Assert.Contains(sent.Opt!.Options, o => o.Code == 65001 && o.Data.AsSpan().SequenceEqual(new byte[] { 0xab, 0xcd }));
        Assert.True(sent.Opt.DnssecOk);
        Assert.True(sent.CheckingDisabled);
    }

    [Fact]
    public async Task Dig_TruncatedOverUdp_ClientRetriesOverTcpAndGetsAll()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            if (!r.Tcp)
            {
                m.Truncated = true;
                return FakeReply.Of(m);
            }
            for (var i = 1; i <= 60; i++)
            {
                m.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.{i}"));
            }
            return FakeReply.Of(m);
        });
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {up.Address}\n}}");

        var r = await Dig.RunAsync(server.Port, "big.example.org", "A");

        Assert.Contains("Truncated, retrying in TCP mode", r.Output, StringComparison.Ordinal);
        Assert.Equal(60, r.Section("ANSWER").Count);
        Assert.Equal([false, true], up.Queries.Select(q => q.Tcp));
    }

    [Fact]
    public async Task Dig_Tcp_UpstreamOverTcp()
    {
        await using var up = FakeUpstream.Answering();
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {up.Address}\n}}");

        var r = await Dig.RunAsync(server.Port, "+tcp", "example.org", "A");

        Assert.Equal("NOERROR", r.Status);
        Assert.True(Assert.Single(up.Queries).Tcp);
    }

    [Fact]
    public async Task Dig_UpstreamDown_BareServFail()
    {
        var up = FakeUpstream.Answering();
        up.Stop();
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {up.Address}\n}}");

        var r = await Dig.RunAsync(server.Port, "example.org", "A");

        Assert.Equal("SERVFAIL", r.Status);
        Assert.Empty(r.Section("ANSWER"));
        Assert.Empty(r.Section("AUTHORITY"));
    }

    [Fact]
    public async Task Server_MaxConcurrentExceeded_RefusedThenStillAnswers()
    {
        await using var up = FakeUpstream.Start(r => FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.1"), TimeSpan.FromMilliseconds(600)));
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {up.Address} {{\n max_concurrent 3\n }}\n}}");

        var tasks = new List<Task<DnsMessage?>>();
        for (var i = 0; i < 12; i++)
        {
            tasks.Add(RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse($"q{i}.example.org"), DnsRecordType.A, (ushort)(100 + i)), 3000));
        }
        var replies = await Task.WhenAll(tasks);

        Assert.All(replies, r => Assert.NotNull(r));
        Assert.Equal(3, replies.Count(r => r!.ResponseCode == ResponseCode.NoError));
        Assert.Equal(9, replies.Count(r => r!.ResponseCode == ResponseCode.Refused));
        Assert.All(replies, r => Assert.InRange(r!.Id, 100, 111));
        var after = await RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("after.example.org"), DnsRecordType.A, 7), 3000);
        Assert.Equal(ResponseCode.NoError, after!.ResponseCode);
        Assert.Equal(7, after.Id);
    }
}

public sealed class ForwardCacheEndToEndTests
{
    [Fact]
    public async Task Dig_CacheInFrontOfForward_SecondQueryFromCache()
    {
        await using var up = FakeUpstream.Answering("192.0.2.10", ttl: 300);
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n cache 30\n forward . {up.Address}\n}}");

        var first = await Dig.RunAsync(server.Port, "cached.example.org", "A");
        var second = await Dig.RunAsync(server.Port, "+tcp", "CACHED.example.org", "A");

        Assert.Equal(["cached.example.org. 30 IN A 192.0.2.10"], first.Section("ANSWER"));
        Assert.DoesNotContain("aa", first.Flags.Split(' '));
        // Records keep the stored spelling; only the question echoes the client's.
        var answer = Assert.Single(second.Section("ANSWER"));
        Assert.Matches(@"^cached\.example\.org\. (30|29) IN A 192\.0\.2\.10$", answer);
        Assert.Contains("aa", second.Flags.Split(' '));
        Assert.Single(up.Queries);
    }

    [Fact]
    public async Task Dig_UpstreamTruncated_NotCached()
    {
        await using var up = FakeUpstream.Start(r =>
        {
            var m = FakeReply.Answer(r.Query);
            m.Truncated = !r.Tcp;
            if (r.Tcp)
            {
                m.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.1"));
            }
            return FakeReply.Of(m);
        });
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n cache\n forward . {up.Address}\n}}");

        await Dig.RunAsync(server.Port, "+ignore", "tc.example.org", "A");
        var again = await Dig.RunAsync(server.Port, "+ignore", "tc.example.org", "A");

        Assert.Contains("tc", again.Flags.Split(' '));
        Assert.Equal(2, up.Queries.Count(q => !q.Tcp));
    }
}
