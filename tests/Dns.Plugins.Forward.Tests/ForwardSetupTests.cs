using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Protocol;

namespace Dns.Plugins.Forward.Tests;

public sealed class ForwardSetupTests
{
    private static List<ForwardOptions> Parse(string text) => ForwardSetup.Parse(CorefileDispenser.FromText(text));

    [Theory]
    [InlineData("forward . 127.0.0.1", ".", "127.0.0.1:53", false)]
    [InlineData("forward . 127.0.0.1:5353", ".", "127.0.0.1:5353", false)]
    [InlineData("forward example.org dns://10.0.0.1", "example.org.", "10.0.0.1:53", false)]
    [InlineData("forward . [::1]:5300", ".", "[::1]:5300", false)]
    [InlineData("forward . ::1", ".", "[::1]:53", false)]
    [InlineData("forward . tls://9.9.9.9", ".", "9.9.9.9:853", true)]
    [InlineData("forward . tls://9.9.9.9:8853", ".", "9.9.9.9:8853", true)]
    [InlineData("forward Example.ORG. 10.0.0.1", "example.org.", "10.0.0.1:53", false)]
    [InlineData("forward 10.0.0.0/8 10.0.0.1", "10.in-addr.arpa.", "10.0.0.1:53", false)]
    [InlineData("forward 172.16.0.0/12 10.0.0.1", "16.172.in-addr.arpa.", "10.0.0.1:53", false)]
    [InlineData("forward 192.168.1.0/24 10.0.0.1", "1.168.192.in-addr.arpa.", "10.0.0.1:53", false)]
    [InlineData("forward 2001:db8::/32 10.0.0.1", "8.b.d.0.1.0.0.2.ip6.arpa.", "10.0.0.1:53", false)]
    public void Parse_To_Endpoint(string line, string from, string endpoint, bool tls)
    {
        var o = Assert.Single(Parse(line));
        Assert.Equal(from, o.From.Text);
        var u = Assert.Single(o.Upstreams);
        Assert.Equal(endpoint, u.Label);
        Assert.Equal(tls, u.Tls);
    }

    [Fact]
    public void Parse_TlsServerNameInAddress_KeptPerUpstream()
    {
        var o = Assert.Single(Parse("forward . tls://1.1.1.1%cloudflare-dns.com tls://9.9.9.9%dns.quad9.net:8853"));
        Assert.Equal("cloudflare-dns.com", o.Upstreams[0].ServerName);
        Assert.Equal(853, o.Upstreams[0].EndPoint.Port);
        Assert.Equal("dns.quad9.net", o.Upstreams[1].ServerName);
        Assert.Equal(8853, o.Upstreams[1].EndPoint.Port);
    }

    [Fact]
    public void Parse_Defaults_AsCoreDns()
    {
        var o = Assert.Single(Parse("forward . 127.0.0.1 127.0.0.2"));
        Assert.Equal(2, o.MaxFails);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.HealthCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Expire);
        Assert.Equal(TimeSpan.FromSeconds(2), o.ReadTimeout);
        Assert.Equal(ForwardPolicy.Random, o.Policy);
        Assert.Equal(0, o.MaxConcurrent);
        Assert.True(o.HealthCheckRecursionDesired);
        Assert.True(o.HealthCheckDomain.IsRoot);
        Assert.Equal(4, o.EffectiveMaxConnectAttempts);
    }

    [Fact]
    public void Parse_Block_AllOptions()
    {
        var o = Assert.Single(Parse("""
            forward . 127.0.0.1 {
                except miek.nl example.ORG
                force_tcp
                prefer_udp
                expire 1m
                max_fails 5
                health_check 2s no_rec domain example.com
                policy sequential
                max_concurrent 1000
                next NXDOMAIN SERVFAIL
                next_on_nodata
                failover SERVFAIL REFUSED
                failfast_all_unhealthy_upstreams
                max_connect_attempts 3
                read_timeout 300ms
                tls_servername dns.example
            }
            """));
        Assert.Equal(["miek.nl.", "example.org."], o.Except.Select(e => e.Text));
        Assert.True(o.ForceTcp);
        Assert.True(o.PreferUdp);
        Assert.Equal(TimeSpan.FromMinutes(1), o.Expire);
        Assert.Equal(5, o.MaxFails);
        Assert.Equal(TimeSpan.FromSeconds(2), o.HealthCheckInterval);
        Assert.False(o.HealthCheckRecursionDesired);
        Assert.Equal("example.com.", o.HealthCheckDomain.Text);
        Assert.Equal(ForwardPolicy.Sequential, o.Policy);
        Assert.Equal(1000, o.MaxConcurrent);
        Assert.Equal([ResponseCode.NxDomain, ResponseCode.ServFail], o.NextRcodes);
        Assert.True(o.NextOnNoData);
        Assert.Equal([ResponseCode.ServFail, ResponseCode.Refused], o.FailoverRcodes);
        Assert.True(o.FailfastAllUnhealthyUpstreams);
        Assert.Equal(3, o.EffectiveMaxConnectAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(300), o.ReadTimeout);
        Assert.Equal("dns.example", o.Tls.ServerName);
    }

    [Fact]
    public void Parse_SeveralDirectives_KeepCorefileOrder()
    {
        var all = Parse("forward example.org 10.0.0.1\nforward . 10.0.0.2");
        Assert.Equal(["example.org.", "."], all.Select(o => o.From.Text));
    }

    [Theory]
    [InlineData("forward", "Wrong argument count")]
    [InlineData("forward .", "Wrong argument count")]
    [InlineData("forward . not-an-ip-or-file", "not an IP address or file")]
    [InlineData("forward . 127.0.0.1 {\n policy weird\n}", "unknown policy 'weird'")]
    [InlineData("forward . 127.0.0.1 {\n max_fails -1\n}", "max_fails can't be negative")]
    [InlineData("forward . 127.0.0.1 {\n max_concurrent -1\n}", "max_concurrent can't be negative")]
    [InlineData("forward . 127.0.0.1 {\n expire -1s\n}", "expire can't be negative")]
    [InlineData("forward . 127.0.0.1 {\n health_check -1s\n}", "health_check can't be negative")]
    [InlineData("forward . 127.0.0.1 {\n health_check\n}", "Wrong argument count")]
    [InlineData("forward . 127.0.0.1 {\n failover NOERROR\n}", "NoError cannot be used in failover")]
    [InlineData("forward . 127.0.0.1 {\n next BOGUS\n}", "BOGUS is not a valid rcode")]
    [InlineData("forward . 127.0.0.1 {\n force_tcp yes\n}", "Wrong argument count")]
    [InlineData("forward . 127.0.0.1 {\n unknown_thing\n}", "unknown property 'unknown_thing'")]
    [InlineData("forward . 127.0.0.1 {\n tls a b c d\n}", "Wrong argument count")]
    [InlineData("forward . https://dns.google/dns-query", "unsupported transport")]
    [InlineData("forward . 1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9 1.1.1.10 1.1.1.11 1.1.1.12 1.1.1.13 1.1.1.14 1.1.1.15 1.1.1.16", "more than 15 TOs configured: 16")]
    public void Parse_Invalid_Error(string text, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => Parse(text));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ResolvConf_NameserverLines()
    {
        var path = Path.Combine(Path.GetTempPath(), "resolv-" + Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, """
            # comment
            search default.svc.cluster.local svc.cluster.local
            nameserver 10.96.0.10
            ; other comment
            nameserver   fe80::1%eth0
            nameserver 192.0.2.53
            options ndots:5
            """);
        try
        {
            var o = Assert.Single(Parse($"forward . {path} 127.0.0.1:5353"));
            Assert.Equal(["10.96.0.10:53", "[fe80::1]:53", "192.0.2.53:53", "127.0.0.1:5353"], o.Upstreams.Select(u => u.Label));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_ResolvConfWithoutNameservers_Error()
    {
        var path = Path.Combine(Path.GetTempPath(), "resolv-" + Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllText(path, "search example.org\n");
        try
        {
            var e = Assert.Throws<CorefileException>(() => Parse($"forward . {path}"));
            Assert.Contains("no nameservers found", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("0.5s", 500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("0", 0)]
    public void GoDuration_Valid_Parsed(string text, long ms)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("s")]
    public void GoDuration_Invalid_False(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Fact]
    public void Parse_Ipv4WithZoneLikeText_NotAnAddress()
    {
        Assert.False(ForwardSetup.TryParseHostPort("1.2.3", 53, false, out _, out _));
        Assert.True(ForwardSetup.TryParseHostPort("1.2.3.4:99", 53, false, out var ep, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 99), ep);
    }
}
