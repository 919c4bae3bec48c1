using Dns.Server.Hosting;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class ChaosAnyBufsizeEndToEndTests
{
    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_ChTxtVersionBind_AnswersVersion(string transport)
    {
        await using var server = await TestDnsServer.StartAsync(".:0 {\n    chaos\n}\n");
        var dig = await Dig.RunAsync(server.Port, transport, "CH", "TXT", "version.bind");
        Assert.Equal("NOERROR", dig.Status);
        Assert.Equal([$"version.bind. 0 CH TXT \"CoreDNS-{DnsServerHost.CompatibleVersion}\""], dig.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_ChTxtWithoutChaos_Refused()
    {
        await using var server = await TestDnsServer.StartAsync(".:0 {\n    whoami\n}\n");
        var dig = await Dig.RunAsync(server.Port, "CH", "TXT", "version.bind");
        Assert.Equal("REFUSED", dig.Status);
    }

    [Fact]
    public async Task Dig_AnyQuery_HinfoRfc8482()
    {
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    any\n    whoami\n}\n");
        var dig = await Dig.RunAsync(server.Port, "example.org", "ANY");
        Assert.Equal(["example.org. 8482 IN HINFO \"ANY obsoleted\" \"See RFC 8482\""], dig.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_Bufsize512_ClientLargerBufferLoweredAndTruncated()
    {
        var hosts = string.Concat(Enumerable.Range(0, 40).Select(i => $"        10.2.0.{i} many.example.org\n"));
        await using var server = await TestDnsServer.StartAsync("example.org:0 {\n    bufsize 512\n    hosts {\n" + hosts + "        reload 0\n    }\n}\n");
        var dig = await Dig.RunAsync(server.Port, "+ignore", "+bufsize=4096", "many.example.org", "A");
        Assert.Contains("tc", dig.Flags.Split(' '));
        Assert.Contains("udp: 512", dig.Output, StringComparison.Ordinal);
    }
}
