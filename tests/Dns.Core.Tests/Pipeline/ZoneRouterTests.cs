using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Pipeline;

public sealed class ZoneRouterTests
{
    private static ZoneRouter<string> Router(params string[] zones)
    {
        var r = new ZoneRouter<string>();
        foreach (var z in zones)
        {
            Assert.True(r.TryAdd(z, "block:" + z));
        }
        return r;
    }

    [Theory]
    [InlineData("a.b.example.org.", "b.example.org.")]
    [InlineData("b.example.org.", "b.example.org.")]
    [InlineData("x.example.org.", "example.org.")]
    [InlineData("example.org.", "example.org.")]
    [InlineData("A.B.EXAMPLE.ORG.", "b.example.org.")]
    [InlineData("Example.Org.", "example.org.")]
    [InlineData("other.net.", ".")]
    [InlineData(".", ".")]
    [InlineData("badexample.org.", ".")]
    [InlineData(@"a\.example.org.", ".")]
    [InlineData(@"x.a\.b.example.org.", @"a\.b.example.org.")]
    [InlineData("4.3.2.10.in-addr.arpa.", "10.in-addr.arpa.")]
    public void Match_LongestZoneSuffix_Wins(string name, string zone)
    {
        var r = Router(".", "example.org.", "b.example.org.", "10.in-addr.arpa.", @"a\.b.example.org.");
        Assert.Equal("block:" + zone, r.Match(DnsName.Parse(name), out var matched));
        Assert.Equal(zone, matched);
    }

    [Theory]
    [InlineData("other.net.")]
    [InlineData(".")]
    [InlineData("badexample.org.")]
    public void Match_NoZoneAndNoRoot_ReturnsNull(string name)
    {
        var r = Router("example.org.");
        Assert.Null(r.Match(DnsName.Parse(name), out var zone));
        Assert.Equal("", zone);
    }

    [Fact]
    public void TryAdd_SameZoneTwice_ReturnsFalseAndKeepsFirst()
    {
        var r = Router("example.org.");
        Assert.False(r.TryAdd("Example.ORG.", "second"));
        Assert.Equal("block:example.org.", r.Match(DnsName.Parse("a.example.org."), out _));
        Assert.Equal(["example.org."], r.Zones);
    }
}
