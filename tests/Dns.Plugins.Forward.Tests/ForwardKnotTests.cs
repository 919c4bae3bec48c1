using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

/// <summary>forward and cache in front of a real authoritative server (knotd), checked with dig.</summary>
public sealed class ForwardKnotTests
{
    [Theory]
    [InlineData("www.example.test", "A", "NOERROR", "www.example.test. 300 IN A 192.0.2.1")]
    [InlineData("www.example.test", "AAAA", "NOERROR", "www.example.test. 300 IN AAAA 2001:db8::1")]
    [InlineData("example.test", "MX", "NOERROR", "example.test. 300 IN MX 10 mail.example.test.")]
    [InlineData("_dns._udp.example.test", "SRV", "NOERROR", "_dns._udp.example.test. 300 IN SRV 0 5 53 ns.example.test.")]
    [InlineData("txt.example.test", "TXT", "NOERROR", "txt.example.test. 300 IN TXT \"v=spf1 -all\" \"second string\"")]
    [InlineData("alias.example.test", "A", "NOERROR", "alias.example.test. 300 IN CNAME www.example.test.")]
    public async Task Dig_ThroughForward_SameAnswerAsKnot(string name, string type, string status, string firstAnswer)
    {
        await using var knot = await KnotUpstream.StartAsync();
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {knot.Address}\n}}");

        var direct = await Dig.RunAsync(knot.Port, "+norec", name, type);
        var relayed = await Dig.RunAsync(server.Port, name, type);

        Assert.Equal(status, relayed.Status);
        Assert.Equal(direct.Section("ANSWER"), relayed.Section("ANSWER"));
        Assert.Equal(direct.Section("AUTHORITY"), relayed.Section("AUTHORITY"));
        Assert.Equal(firstAnswer, relayed.Section("ANSWER")[0]);
        Assert.Contains("aa", relayed.Flags.Split(' '));
    }

    [Fact]
    public async Task Dig_NxDomainThroughCache_CachedWithSoa()
    {
        await using var knot = await KnotUpstream.StartAsync();
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n cache\n forward . {knot.Address}\n}}");

        var first = await Dig.RunAsync(server.Port, "missing.example.test", "A");
        await knot.DisposeAsync();
        var second = await Dig.RunAsync(server.Port, "missing.example.test", "A");

        Assert.Equal("NXDOMAIN", first.Status);
        Assert.Equal("NXDOMAIN", second.Status);
        var soa = Assert.Single(second.Section("AUTHORITY"));
        Assert.StartsWith("example.test. ", soa, StringComparison.Ordinal);
        Assert.Contains(" IN SOA ns.example.test. hostmaster.example.test. 1 7200 1800 86400 60", soa, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_BigRrsetOverUdp_TruncatedThenFullOverTcp()
    {
        await using var knot = await KnotUpstream.StartAsync();
        await using var server = await TestDnsServer.StartAsync($".:0 {{\n forward . {knot.Address}\n}}");

        var udpOnly = await Dig.RunAsync(server.Port, "+ignore", "+noedns", "big.example.test", "A");
        var withRetry = await Dig.RunAsync(server.Port, "+noedns", "big.example.test", "A");

        Assert.Contains("tc", udpOnly.Flags.Split(' '));
        Assert.Equal(80, withRetry.Section("ANSWER").Count);
    }
}
