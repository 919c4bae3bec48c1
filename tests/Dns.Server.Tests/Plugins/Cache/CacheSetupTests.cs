using Dns.Core.Corefile;
using Dns.Server.Plugins.Cache;

namespace Dns.Server.Tests.Plugins.Cache;

public sealed class CacheSetupTests
{
    private static CacheOptions Parse(string text, params string[] blockZones) =>
        CacheSetup.Parse(CorefileDispenser.FromText(text), blockZones.Length == 0 ? ["."] : blockZones);

    [Fact]
    public void Parse_Bare_CoreDnsDefaults()
    {
        var o = Parse("cache", "cluster.local.", "in-addr.arpa.");
        Assert.Equal(["cluster.local.", "in-addr.arpa."], o.Zones.Select(z => z.Text));
        Assert.Equal(10000, o.SuccessCapacity);
        Assert.Equal(TimeSpan.FromSeconds(3600), o.SuccessMaxTtl);
        Assert.Equal(TimeSpan.FromSeconds(5), o.SuccessMinTtl);
        Assert.Equal(10000, o.DenialCapacity);
        Assert.Equal(TimeSpan.FromSeconds(1800), o.DenialMaxTtl);
        Assert.Equal(TimeSpan.FromSeconds(5), o.DenialMinTtl);
        Assert.Equal(0, o.Prefetch);
        Assert.Equal(TimeSpan.FromMinutes(1), o.PrefetchDuration);
        Assert.Equal(10, o.PrefetchPercentage);
        Assert.Equal(TimeSpan.Zero, o.ServeStale);
        Assert.Equal(TimeSpan.FromSeconds(5), o.ServfailTtl);
        Assert.False(o.KeepTtl);
        Assert.Equal(9984, new ShardedCache(o.SuccessCapacity).Capacity);
        Assert.Equal(1024, new ShardedCache(10).Capacity);
    }

    [Fact]
    public void Parse_TtlAndZones_BothMaximaAndZones()
    {
        var o = Parse("cache 30 Example.ORG example.net.");
        Assert.Equal(TimeSpan.FromSeconds(30), o.SuccessMaxTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), o.DenialMaxTtl);
        Assert.Equal(["example.org.", "example.net."], o.Zones.Select(z => z.Text));
    }

    [Fact]
    public void Parse_Block_AllOptions()
    {
        var o = Parse("""
            cache {
                success 5000 600 10
                denial 2500 300 1
                prefetch 3 2m 25%
                serve_stale 30m verify
                servfail 2s
                disable success cluster.local
                disable denial cluster.local example.org
                keepttl
            }
            """);
        Assert.Equal((5000, TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(10)), (o.SuccessCapacity, o.SuccessMaxTtl, o.SuccessMinTtl));
        Assert.Equal((2500, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(1)), (o.DenialCapacity, o.DenialMaxTtl, o.DenialMinTtl));
        Assert.Equal((3, TimeSpan.FromMinutes(2), 25), (o.Prefetch, o.PrefetchDuration, o.PrefetchPercentage));
        Assert.Equal(TimeSpan.FromMinutes(30), o.ServeStale);
        Assert.True(o.VerifyStale);
        Assert.Equal(TimeSpan.FromSeconds(2), o.ServfailTtl);
        Assert.Equal(["cluster.local."], o.DisableSuccess.Select(z => z.Text));
        Assert.Equal(["cluster.local.", "example.org."], o.DisableDenial.Select(z => z.Text));
        Assert.True(o.KeepTtl);
    }

    [Theory]
    [InlineData("cache {\n serve_stale\n}", 3600, false)]
    [InlineData("cache {\n serve_stale 10s immediate\n}", 10, false)]
    [InlineData("cache {\n serve_stale 1m VERIFY\n}", 60, true)]
    public void Parse_ServeStale_DurationAndMode(string text, int seconds, bool verify)
    {
        var o = Parse(text);
        Assert.Equal(TimeSpan.FromSeconds(seconds), o.ServeStale);
        Assert.Equal(verify, o.VerifyStale);
    }

    [Fact]
    public void Parse_DisableWithoutZones_Root()
    {
        var o = Parse("cache {\n disable denial\n}");
        Assert.True(Assert.Single(o.DisableDenial).IsRoot);
    }

    [Theory]
    [InlineData("cache 0", "cache TTL can not be zero or negative: 0")]
    [InlineData("cache -5", "cache TTL can not be zero or negative: -5")]
    [InlineData("cache {\n success\n}", "Wrong argument count")]
    [InlineData("cache {\n success abc\n}", "strconv.Atoi: parsing \"abc\": invalid syntax")]
    [InlineData("cache {\n success 10 0\n}", "cache TTL can not be zero or negative: 0")]
    [InlineData("cache {\n denial 10 10 -1\n}", "cache min TTL can not be negative: -1")]
    [InlineData("cache {\n prefetch\n}", "Wrong argument count")]
    [InlineData("cache {\n prefetch 1 1m 10% extra\n}", "Wrong argument count")]
    [InlineData("cache {\n prefetch -1\n}", "prefetch amount should be positive: -1")]
    [InlineData("cache {\n prefetch 1 1m 10\n}", "last character of percentage should be `%`")]
    [InlineData("cache {\n prefetch 1 1m 95%\n}", "percentage should fall in range [10, 90]: 95")]
    [InlineData("cache {\n prefetch 1 soon\n}", "time: invalid duration")]
    [InlineData("cache {\n serve_stale 1h verify extra\n}", "Wrong argument count")]
    [InlineData("cache {\n serve_stale -1h\n}", "invalid negative duration for serve_stale")]
    [InlineData("cache {\n serve_stale 1h later\n}", "invalid value for serve_stale refresh mode: later")]
    [InlineData("cache {\n servfail\n}", "Wrong argument count")]
    [InlineData("cache {\n servfail -1s\n}", "invalid negative ttl for servfail")]
    [InlineData("cache {\n servfail 6m\n}", "caching SERVFAIL responses over 5 minutes is not permitted")]
    [InlineData("cache {\n disable\n}", "Wrong argument count")]
    [InlineData("cache {\n disable everything\n}", "cache type for disable must be \"success\" or \"denial\"")]
    [InlineData("cache {\n keepttl yes\n}", "Wrong argument count")]
    [InlineData("cache {\n unknown\n}", "Wrong argument count")]
    [InlineData("cache\ncache", "this plugin can only be used once per Server Block")]
    public void Parse_Invalid_Error(string text, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => Parse(text));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }
}
