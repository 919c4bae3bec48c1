using Dns.Core.Protocol;

namespace Dns.Server.Tests.Plugins.Cache;

public sealed class CachePluginTests
{
    private static string Text(DnsRecord r) =>
        $"{r.Name.Text} {r.Ttl} {DnsClassText.ToText(r.Class)} {DnsRecordTypeText.ToText(r.Type)} {r.DataText}";

    private const string Soa = "example.org. 60 IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 30";

    [Fact]
    public async Task Query_Twice_SecondFromCacheWithCounters()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1"]);

        var first = await c.QueryAsync("www.example.org");
        var second = await c.QueryAsync("www.example.org", id: 999);

        Assert.Equal(1, c.Backend.Calls);
        Assert.Equal("www.example.org. 300 IN A 192.0.2.1", Text(Assert.Single(first.Answers)));
        Assert.False(first.AuthoritativeAnswer);
        Assert.Equal("www.example.org. 300 IN A 192.0.2.1", Text(Assert.Single(second.Answers)));
        Assert.True(second.AuthoritativeAnswer);
        Assert.True(second.RecursionAvailable);
        Assert.Equal(999, second.Id);
        Assert.Equal(2, c.Sample("coredns_cache_requests_total{server=\"\",zones=\".\",view=\"\"}"));
        Assert.Equal(1, c.Sample("coredns_cache_hits_total{server=\"\",type=\"success\",zones=\".\",view=\"\"}"));
        Assert.Equal(1, c.Sample("coredns_cache_misses_total{server=\"\",zones=\".\",view=\"\"}"));
        Assert.Equal(1, c.Sample("coredns_cache_entries{server=\"\",type=\"success\",zones=\".\",view=\"\"}"));
        Assert.Equal(0, c.Sample("coredns_cache_entries{server=\"\",type=\"denial\",zones=\".\",view=\"\"}"));
    }

    [Fact]
    public async Task Ttl_ClockMoves_CountsDownThenExpires()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1", "{q} 600 IN A 192.0.2.2"]);

        var first = await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(100.7));
        var later = await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(199.3));
        var expired = await c.QueryAsync("www.example.org");

        // The reply carries the cache duration (the lowest TTL) on every record.
        Assert.All(first.Answers, r => Assert.Equal(300u, r.Ttl));
        Assert.All(later.Answers, r => Assert.Equal(200u, r.Ttl));
        Assert.Equal(2, c.Backend.Calls);
        Assert.All(expired.Answers, r => Assert.Equal(300u, r.Ttl));
    }

    [Theory]
    [InlineData("cache 30", 300u, 30u)]
    [InlineData("cache", 1u, 5u)]
    [InlineData("cache {\n success 100 60 20\n}", 10u, 20u)]
    [InlineData("cache {\n success 100 7200\n}", 5000u, 5000u)]
    [InlineData("cache {\n success 100 10 20\n}", 15u, 10u)]
    public async Task Ttl_Clamped_ToMinAndMax(string directive, uint upstreamTtl, uint expected)
    {
        var c = CacheUnderTest.Create(directive);
        c.Backend.Answer(answers: [$"{{q}} {upstreamTtl} IN A 192.0.2.1"]);

        var first = await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await c.QueryAsync("www.example.org");

        Assert.Equal(expected, Assert.Single(first.Answers).Ttl);
        Assert.Equal(expected - 1, Assert.Single(second.Answers).Ttl);
        Assert.Equal(1, c.Backend.Calls);
    }

    [Fact]
    public async Task Denial_NxDomainWithSoa_CachedInDenial()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(ResponseCode.NxDomain, authority: [Soa]);

        await c.QueryAsync("nope.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await c.QueryAsync("nope.example.org");

        Assert.Equal(1, c.Backend.Calls);
        Assert.Equal(ResponseCode.NxDomain, second.ResponseCode);
        Assert.Equal(50u, Assert.Single(second.Authority).Ttl);
        Assert.Equal(1, c.Sample("coredns_cache_hits_total{server=\"\",type=\"denial\",zones=\".\",view=\"\"}"));
        Assert.Equal(1, c.Sample("coredns_cache_entries{server=\"\",type=\"denial\",zones=\".\",view=\"\"}"));
    }

    [Fact]
    public async Task Denial_NoDataWithSoa_CachedInDenial()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(ResponseCode.NoError, authority: [Soa]);

        await c.QueryAsync("www.example.org", DnsRecordType.Aaaa);
        var second = await c.QueryAsync("www.example.org", DnsRecordType.Aaaa);

        Assert.Equal(1, c.Backend.Calls);
        Assert.Equal(ResponseCode.NoError, second.ResponseCode);
        Assert.Empty(second.Answers);
        Assert.Single(second.Authority);
        Assert.Equal(1, c.Sample("coredns_cache_hits_total{server=\"\",type=\"denial\",zones=\".\",view=\"\"}"));
    }

    [Theory]
    [InlineData(ResponseCode.NxDomain, false)]
    [InlineData(ResponseCode.Refused, false)]
    [InlineData(ResponseCode.FormErr, false)]
    [InlineData(ResponseCode.ServFail, true)]
    [InlineData(ResponseCode.NotImp, true)]
    public async Task Errors_WithoutSoa_CachedOnlyAsServerError(ResponseCode rcode, bool cached)
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(rcode);

        await c.QueryAsync("www.example.org");
        var second = await c.QueryAsync("www.example.org");

        Assert.Equal(rcode, second.ResponseCode);
        Assert.Equal(cached ? 1 : 2, c.Backend.Calls);
    }

    [Fact]
    public async Task ServFail_CachedForServfailDurationOnly()
    {
        var c = CacheUnderTest.Create("cache {\n servfail 2s\n}");
        c.Backend.Answer(ResponseCode.ServFail);

        await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(1));
        await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(1));
        await c.QueryAsync("www.example.org");

        Assert.Equal(2, c.Backend.Calls);
    }

    [Fact]
    public async Task ServFail_FromChainError_NotCachedNorChanged()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Handler = ctx =>
        {
            ctx.Fail(ResponseCode.ServFail, "read udp 192.0.2.1:53: i/o timeout");
            return default;
        };

        var ctx = await c.RunAsync(DnsMessage.CreateQuery(DnsName.Parse("www.example.org"), DnsRecordType.A));
        await c.QueryAsync("www.example.org");

        Assert.Equal(2, c.Backend.Calls);
        Assert.Equal("read udp 192.0.2.1:53: i/o timeout", ctx.Error);
    }

    [Fact]
    public async Task Truncated_NotCached()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.Truncated = true;
            ctx.Response = r;
            return default;
        };

        var first = await c.QueryAsync("big.example.org");
        await c.QueryAsync("big.example.org");

        Assert.True(first.Truncated);
        Assert.Equal(2, c.Backend.Calls);
    }

    [Fact]
    public async Task Disable_ByZone_OnlyThoseNamesSkipped()
    {
        var c = CacheUnderTest.Create("cache {\n disable success cluster.local\n disable denial cluster.local\n}");
        c.Backend.Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            if (ctx.QueryName.GetLabel(0) == "nx")
            {
                r.ResponseCode = ResponseCode.NxDomain;
                r.Authority.Add(Dns.Testing.RecordText.Parse(Soa));
            }
            else
            {
                r.Answers.Add(new ARecord(ctx.QueryName, 30, System.Net.IPAddress.Parse("10.0.0.1")));
            }
            ctx.Response = r;
            return default;
        };

        foreach (var name in new[] { "a.svc.cluster.local", "nx.svc.cluster.local", "a.example.org", "nx.example.org" })
        {
            await c.QueryAsync(name);
            await c.QueryAsync(name);
        }

        // Two queries each for the cluster.local names, one each for the others.
        Assert.Equal(6, c.Backend.Calls);
    }

    [Fact]
    public async Task Zones_OutsideCacheZones_PassedThrough()
    {
        var c = CacheUnderTest.Create("cache example.org");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1"]);

        await c.QueryAsync("a.example.net");
        await c.QueryAsync("a.example.net");
        await c.QueryAsync("a.example.org");
        await c.QueryAsync("a.example.org");

        Assert.Equal(3, c.Backend.Calls);
        Assert.Equal(2, c.Sample("coredns_cache_requests_total{server=\"\",zones=\"example.org.\",view=\"\"}"));
    }

    [Fact]
    public async Task Key_CaseInsensitiveName_SharedEntryClientSpellingKept()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["www.example.org. 300 IN A 192.0.2.1"]);

        await c.QueryAsync("www.example.org");
        var second = await c.QueryAsync("WWW.Example.ORG");

        Assert.Equal(1, c.Backend.Calls);
        Assert.Equal("WWW.Example.ORG.", second.Question.Name.Text);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Key_DoAndCd_SeparateEntries(bool dnssecOk, bool cd)
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1"]);

        await c.QueryAsync("www.example.org");
        await c.QueryAsync("www.example.org", dnssecOk: dnssecOk, cd: cd);
        await c.QueryAsync("www.example.org", dnssecOk: dnssecOk, cd: cd);

        Assert.Equal(2, c.Backend.Calls);
    }

    [Fact]
    public async Task Key_OtherType_SeparateEntry()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["{q} 300 IN TXT \"x\""]);

        await c.QueryAsync("www.example.org", DnsRecordType.Txt);
        await c.QueryAsync("www.example.org", DnsRecordType.Mx);

        Assert.Equal(2, c.Backend.Calls);
    }

    [Fact]
    public async Task Hit_ReplyMutatedByLaterPlugin_CacheUnaffected()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1", "{q} 300 IN A 192.0.2.2"]);

        var first = await c.QueryAsync("www.example.org");
        first.Answers.Clear();
        var second = await c.QueryAsync("www.example.org");
        second.Answers.Reverse();
        second.Id = 1;
        var third = await c.QueryAsync("www.example.org", id: 77);

        Assert.Equal(["192.0.2.1", "192.0.2.2"], third.Answers.Select(r => r.DataText));
        Assert.Equal(77, third.Id);
    }

    [Fact]
    public async Task AuthenticData_ClearedUnlessDoOrAd()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.AuthenticData = true;
            r.Answers.Add(new ARecord(ctx.QueryName, 300, System.Net.IPAddress.Parse("192.0.2.1")));
            ctx.Response = r;
            return default;
        };

        var plainMiss = await c.QueryAsync("www.example.org");
        var plainHit = await c.QueryAsync("www.example.org");
        var doMiss = await c.QueryAsync("www.example.org", dnssecOk: true);
        var doHit = await c.QueryAsync("www.example.org", dnssecOk: true);

        Assert.False(plainMiss.AuthenticData);
        Assert.False(plainHit.AuthenticData);
        Assert.True(doMiss.AuthenticData);
        Assert.True(doHit.AuthenticData);
    }

    [Fact]
    public async Task Capacity_FloodOfUniqueNames_BoundedWithEvictions()
    {
        var c = CacheUnderTest.Create("cache {\n success 1024\n}");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1"]);

        for (var i = 0; i < 5000; i++)
        {
            await c.QueryAsync($"n{i}.example.org");
        }

        Assert.InRange(c.Plugin!.Success.Count, 900, 1024);
        Assert.Equal(c.Plugin.Success.Count, c.Sample("coredns_cache_entries{server=\"\",type=\"success\",zones=\".\",view=\"\"}"));
        Assert.True(c.Sample("coredns_cache_evictions_total{server=\"\",type=\"success\",zones=\".\",view=\"\"}") >= 5000 - 1024);
    }

    [Fact]
    public async Task KeepTtl_ServedWithOriginalTtl()
    {
        var c = CacheUnderTest.Create("cache {\n keepttl\n}");
        c.Backend.Answer(answers: ["{q} 300 IN A 192.0.2.1"]);

        await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(120));
        var second = await c.QueryAsync("www.example.org");

        Assert.Equal(300u, Assert.Single(second.Answers).Ttl);
        Assert.Equal(1, c.Backend.Calls);
    }

    [Fact]
    public async Task Prefetch_PopularEntryNearExpiry_RefreshedInBackground()
    {
        var c = CacheUnderTest.Create("cache {\n prefetch 2 1m 10%\n}");
        var address = "192.0.2.1";
        c.Backend.Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.Answers.Add(new ARecord(ctx.QueryName, 100, System.Net.IPAddress.Parse(address)));
            ctx.Response = r;
            return default;
        };

        await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(50));
        await c.QueryAsync("www.example.org");
        Assert.Equal(1, c.Backend.Calls);

        address = "192.0.2.2";
        c.Time.Advance(TimeSpan.FromSeconds(41));
        var stillOld = await c.QueryAsync("www.example.org");
        Assert.Equal("192.0.2.1", Assert.Single(stillOld.Answers).DataText);
        Assert.True(await Eventually(() => c.Backend.Calls == 2 && c.Sample("coredns_cache_prefetch_total{server=\"\",zones=\".\",view=\"\"}") == 1));

        var refreshed = await Poll(c, r => Assert.Single(r.Answers).DataText == "192.0.2.2");
        Assert.Equal(100u, Assert.Single(refreshed.Answers).Ttl);
    }

    [Fact]
    public async Task ServeStale_Immediate_StaleWithTtlZeroAndRefresh()
    {
        var c = CacheUnderTest.Create("cache {\n serve_stale 1h\n}");
        c.Backend.Answer(answers: ["{q} 30 IN A 192.0.2.1"]);
        await c.QueryAsync("www.example.org");

        var refreshGate = new TaskCompletionSource();
        c.Backend.Handler = async ctx =>
        {
            await refreshGate.Task;
            ctx.Fail(ResponseCode.ServFail, "upstream down");
        };
        c.Time.Advance(TimeSpan.FromSeconds(90));
        var stale = await c.QueryAsync("www.example.org");

        Assert.Equal(ResponseCode.NoError, stale.ResponseCode);
        Assert.Equal(0u, Assert.Single(stale.Answers).Ttl);
        Assert.Equal(1, c.Sample("coredns_cache_served_stale_total{server=\"\",zones=\".\",view=\"\"}"));
        refreshGate.SetResult();
        Assert.True(await Eventually(() => c.Backend.Calls == 2));

        // Past the serve_stale window the entry is a miss again.
        c.Time.Advance(TimeSpan.FromHours(1));
        var gone = await c.QueryAsync("www.example.org");
        Assert.Equal(ResponseCode.ServFail, gone.ResponseCode);
    }

    [Fact]
    public async Task ServeStale_Verify_FreshWhenUpstreamAnswersStaleWhenNot()
    {
        var c = CacheUnderTest.Create("cache {\n serve_stale 1h verify\n}");
        c.Backend.Answer(answers: ["{q} 30 IN A 192.0.2.1"]);
        await c.QueryAsync("www.example.org");
        c.Time.Advance(TimeSpan.FromSeconds(60));

        c.Backend.Handler = ctx =>
        {
            ctx.Fail(ResponseCode.ServFail, "upstream down");
            return default;
        };
        var stale = await c.QueryAsync("www.example.org");
        Assert.Equal(ResponseCode.NoError, stale.ResponseCode);
        Assert.Equal("192.0.2.1", Assert.Single(stale.Answers).DataText);
        Assert.Equal(0u, stale.Answers[0].Ttl);

        c.Backend.Answer(answers: ["{q} 30 IN A 192.0.2.9"]);
        var fresh = await c.QueryAsync("www.example.org");
        Assert.Equal("192.0.2.9", Assert.Single(fresh.Answers).DataText);
        Assert.Equal(30u, fresh.Answers[0].Ttl);
        Assert.Equal(1, c.Sample("coredns_cache_served_stale_total{server=\"\",zones=\".\",view=\"\"}"));
    }

    [Fact]
    public async Task Drops_ReplyForOtherQuestion_NotCachedAndCounted()
    {
        var c = CacheUnderTest.Create("cache");
        c.Backend.Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.Questions[0] = new DnsQuestion(DnsName.Parse("other.example.org"), DnsRecordType.A);
            r.Answers.Add(new ARecord(DnsName.Parse("other.example.org"), 300, System.Net.IPAddress.Parse("192.0.2.1")));
            ctx.Response = r;
            return default;
        };

        await c.QueryAsync("www.example.org");
        await c.QueryAsync("www.example.org");

        Assert.Equal(2, c.Backend.Calls);
        Assert.Equal(2, c.Sample("coredns_cache_drops_total{server=\"\",zones=\".\",view=\"\"}"));
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++)
        {
            await Task.Delay(20);
        }
        return condition();
    }

    private static async Task<DnsMessage> Poll(CacheUnderTest c, Func<DnsMessage, bool> until)
    {
        DnsMessage r = await c.QueryAsync("www.example.org");
        for (var i = 0; i < 250 && !until(r); i++)
        {
            await Task.Delay(20);
            r = await c.QueryAsync("www.example.org");
        }
        return r;
    }
}
