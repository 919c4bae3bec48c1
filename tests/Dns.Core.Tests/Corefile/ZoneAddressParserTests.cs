using Dns.Core.Corefile;

namespace Dns.Core.Tests.Corefile;

public sealed class ZoneAddressParserTests
{
    private static List<ZoneAddress> P(string key) => ZoneAddressParser.Parse(new CorefileToken(key, "Corefile", 7));

    [Theory]
    [InlineData(".", "dns", ".", null)]
    [InlineData("", "dns", ".", null)]
    [InlineData(":53", "dns", ".", 53)]
    [InlineData("example.org", "dns", "example.org.", null)]
    [InlineData("Example.ORG.", "dns", "example.org.", null)]
    [InlineData("example.org:1053", "dns", "example.org.", 1053)]
    [InlineData("dns://example.org:1053", "dns", "example.org.", 1053)]
    [InlineData("dns://.", "dns", ".", null)]
    [InlineData("tls://example.org", "tls", "example.org.", null)]
    [InlineData("https://.:8443", "https", ".", 8443)]
    [InlineData("grpc://.", "grpc", ".", null)]
    [InlineData(@"\065Bc.org", "dns", "abc.org.", null)]
    [InlineData(@"a\.b.org:53", "dns", @"a\.b.org.", 53)]
    [InlineData(@"a\.", "dns", @"a\..", null)]
    [InlineData("10.0.0.0/8", "dns", "10.in-addr.arpa.", null)]
    [InlineData("10.96.0.0/24", "dns", "0.96.10.in-addr.arpa.", null)]
    [InlineData("10.96.0.0/24:1053", "dns", "0.96.10.in-addr.arpa.", 1053)]
    [InlineData("dns://10.96.0.0/16:53", "dns", "96.10.in-addr.arpa.", 53)]
    [InlineData("10.1.2.3/16", "dns", "1.10.in-addr.arpa.", null)]
    [InlineData("192.168.1.7/32", "dns", "7.1.168.192.in-addr.arpa.", null)]
    [InlineData("0.0.0.0/0", "dns", "in-addr.arpa.", null)]
    [InlineData("1234:abcd::/64", "dns", "0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", null)]
    [InlineData("1234:abcd::/64:1053", "dns", "0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", 1053)]
    [InlineData("[1234:abcd::/64]:1053", "dns", "0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", 1053)]
    [InlineData("fd00::/8", "dns", "d.f.ip6.arpa.", null)]
    [InlineData("2001:db8::/32", "dns", "8.b.d.0.1.0.0.2.ip6.arpa.", null)]
    public void Parse_SingleZoneKey_IsNormalised(string key, string scheme, string zone, int? port)
    {
        var a = Assert.Single(P(key));
        Assert.Equal(new ZoneAddress(scheme, zone, port), a);
    }

    [Fact]
    public void Parse_Unaligned15_GivesTwoReverseZones()
    {
        Assert.Equal(["0.10.in-addr.arpa.", "1.10.in-addr.arpa."], P("10.0.0.0/15").Select(a => a.Zone));
    }

    [Fact]
    public void Parse_Unaligned27_Gives32Zones()
    {
        var zones = P("10.0.0.0/27:1053");
        Assert.Equal(32, zones.Count);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => $"{i}.0.0.10.in-addr.arpa."), zones.Select(a => a.Zone));
        Assert.All(zones, a => Assert.Equal(1053, a.Port));
    }

    [Fact]
    public void Parse_UnalignedIpv6_SplitsAtTheNextNibble()
    {
        Assert.Equal(["c.f.ip6.arpa.", "d.f.ip6.arpa."], P("fd00::/7").Select(a => a.Zone));
        Assert.Equal(8, P("2001:db8::/29").Count);
    }

    [Theory]
    [InlineData("example.org:abc", "invalid port 'abc'")]
    [InlineData("example.org:", "invalid port ''")]
    [InlineData("example.org:70000", "invalid port '70000'")]
    [InlineData("10.0.0.0/33", "invalid CIDR")]
    [InlineData("10/8", "invalid CIDR")]
    [InlineData("10.0.0.0/x", "invalid CIDR")]
    [InlineData("1234:abcd::/129", "invalid CIDR")]
    [InlineData("ftp://example.org", "unsupported scheme 'ftp'")]
    [InlineData("a..b", "invalid zone")]
    public void Parse_InvalidKey_ThrowsWithFileAndLine(string key, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => P(key));
        Assert.StartsWith("Corefile:7 - ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dns", 53, 53)]
    [InlineData("dns", 1053, 1053)]
    [InlineData("tls", 53, 853)]
    [InlineData("quic", 53, 853)]
    [InlineData("https", 53, 443)]
    [InlineData("grpc", 53, 443)]
    public void EffectivePort_WithoutPort_UsesSchemeDefault(string scheme, int dnsPort, int expected)
    {
        Assert.Equal(expected, new ZoneAddress(scheme, ".", null).EffectivePort(dnsPort));
        Assert.Equal(5300, new ZoneAddress(scheme, ".", 5300).EffectivePort(dnsPort));
        Assert.Equal($"{scheme}://.:{expected}", new ZoneAddress(scheme, ".", null).ToString(dnsPort));
    }
}
