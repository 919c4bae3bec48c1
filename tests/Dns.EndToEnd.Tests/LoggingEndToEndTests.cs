using System.Text.RegularExpressions;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed partial class LoggingEndToEndTests
{
    [GeneratedRegex(@"^\[INFO\] 127\.0\.0\.1:\d+ - \d+ ""A IN www\.example\.org\. udp \d+ false 1232"" NOERROR qr,aa,rd 64 \d+(\.\d+)?s$", RegexOptions.Multiline)]
    private static partial Regex UdpLine();

    [GeneratedRegex(@"^\[INFO\] 127\.0\.0\.1:\d+ - \d+ ""A IN big\.example\.org\. udp \d+ false 1232"" NOERROR qr,aa,tc,rd \d+ \d+(\.\d+)?s$", RegexOptions.Multiline)]
    private static partial Regex TruncatedLine();

    private static async Task<TestDnsServer> StartAsync()
    {
        var big = string.Concat(Enumerable.Range(0, 100).Select(i => $"        10.1.0.{i} big.example.org\n"));
        return await TestDnsServer.StartAsync("example.org:0 {\n    errors\n    log\n    hosts {\n        10.0.0.1 www.example.org\n" + big + "        reload 0\n        fallthrough\n    }\n}\n");
    }

    private static async Task<string> WaitForLogAsync(TestDnsServer server, Func<string, bool> done)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!done(server.Log))
        {
            await Task.Delay(10, cts.Token);
        }
        return server.Log;
    }

    [Fact]
    public async Task Log_UdpAnswer_CommonLogFormatLine()
    {
        await using var server = await StartAsync();
        await Dig.RunAsync(server.Port, "+notcp", "www.example.org", "A");
        var log = await WaitForLogAsync(server, l => l.Contains("www.example.org.", StringComparison.Ordinal));
        Assert.Matches(UdpLine(), log);
    }

    [Fact]
    public async Task Log_TcpQuery_ProtoAndBufsize()
    {
        await using var server = await StartAsync();
        await Dig.RunAsync(server.Port, "+tcp", "www.example.org", "A");
        var log = await WaitForLogAsync(server, l => l.Contains("www.example.org.", StringComparison.Ordinal));
        Assert.Contains("\"A IN www.example.org. tcp ", log, StringComparison.Ordinal);
        Assert.True(log.Contains(" false 65535\" NOERROR qr,aa,rd 64 ", StringComparison.Ordinal), log);
    }

    [Fact]
    public async Task Log_TruncatedUdpReply_TcFlagInLine()
    {
        await using var server = await StartAsync();
        await Dig.RunAsync(server.Port, "+ignore", "+notcp", "big.example.org", "A");
        var log = await WaitForLogAsync(server, l => l.Contains("big.example.org.", StringComparison.Ordinal));
        Assert.Matches(TruncatedLine(), log);
    }

    [Fact]
    public async Task LogAndErrors_NoNextPlugin_LogLineThenErrorLine()
    {
        await using var server = await StartAsync();
        var dig = await Dig.RunAsync(server.Port, "nope.example.org", "A");
        Assert.Equal("SERVFAIL", dig.Status);
        var log = await WaitForLogAsync(server, l => l.Contains("[ERROR]", StringComparison.Ordinal));
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var info = Array.FindIndex(lines, l => l.Contains("\"A IN nope.example.org. udp", StringComparison.Ordinal));
        var error = Array.IndexOf(lines, "[ERROR] plugin/errors: 2 nope.example.org. A: plugin/hosts: no next plugin found");
        Assert.True(info >= 0 && error == info + 1, log);
        Assert.EndsWith("NOERROR - 0", lines[info][..lines[info].LastIndexOf(' ')], StringComparison.Ordinal);
    }
}
