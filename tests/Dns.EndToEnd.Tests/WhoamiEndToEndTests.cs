using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class WhoamiEndToEndTests
{
    [Theory]
    [InlineData("+notcp", "_udp")]
    [InlineData("+tcp", "_tcp")]
    public async Task Whoami_DigOverTransport_ReturnsClientAddressAndTransport(string transport, string srvPrefix)
    {
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    whoami\n}\n");
        var dig = await Dig.RunAsync(server.Port, transport, "whoami.example.org", "A");
        Assert.Equal("NOERROR", dig.Status);
        var extra = dig.Section("ADDITIONAL");
        Assert.Contains("whoami.example.org. 0 IN A 127.0.0.1", extra);
        Assert.Contains(extra, l => l.StartsWith(srvPrefix + ".whoami.example.org. 0 IN SRV 0 0 ", StringComparison.Ordinal));
        Assert.Contains("aa", dig.Flags.Split(' '));
    }

    [Fact]
    public async Task Query_OutsideServedZones_IsRefused()
    {
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    whoami\n}\n");
        var dig = await Dig.RunAsync(server.Port, "example.com", "A");
        Assert.Equal("REFUSED", dig.Status);
    }

    [Fact]
    public async Task Query_EdnsVersion1_IsBadVers()
    {
        await using var server = await TestDnsServer.StartAsync(".:0 {\n    whoami\n}\n");
        var dig = await Dig.RunAsync(server.Port, "+edns=1", "+noednsneg", "example.org");
        Assert.Equal("BADVERS", dig.Status);
        Assert.Contains("EDNS: version: 0", dig.Output, StringComparison.Ordinal);
    }
}
