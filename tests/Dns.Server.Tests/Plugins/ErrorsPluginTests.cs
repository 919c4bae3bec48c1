using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Errors;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Tests.Plugins;

public sealed class ErrorsPluginTests
{
    private static ErrorsOptions Options(string body) =>
        ((ErrorsPlugin)PluginHarness.Create("example.org {\n" + body + "\n}", "errors").Plugin).Options;

    [Fact]
    public void Setup_Plain_NoPatterns()
    {
        var o = Options("errors");
        Assert.False(o.Stacktrace);
        Assert.Empty(o.Patterns);
    }

    [Fact]
    public void Setup_FullBlock_ParsesEveryOption()
    {
        var o = Options("errors stdout {\n stacktrace\n consolidate 5m \".* i/o timeout$\" warning\n consolidate 30s \"^Failed to .+\"\n consolidate 1s ^x info show_first\n consolidate 2s ^y show_first\n}");
        Assert.True(o.Stacktrace);
        Assert.Equal(4, o.Patterns.Count);
        Assert.Equal((TimeSpan.FromMinutes(5), ".* i/o timeout$", LogLevel.Warning, false), (o.Patterns[0].Period, o.Patterns[0].Pattern.ToString(), o.Patterns[0].Level, o.Patterns[0].ShowFirst));
        Assert.Equal((TimeSpan.FromSeconds(30), LogLevel.Error, false), (o.Patterns[1].Period, o.Patterns[1].Level, o.Patterns[1].ShowFirst));
        Assert.Equal((LogLevel.Information, true), (o.Patterns[2].Level, o.Patterns[2].ShowFirst));
        Assert.Equal((LogLevel.Error, true), (o.Patterns[3].Level, o.Patterns[3].ShowFirst));
    }

    [Theory]
    [InlineData("errors a b", "Wrong argument count")]
    [InlineData("errors file.log", "invalid log file: file.log")]
    [InlineData("errors\nerrors", "only be used once per Server Block")]
    [InlineData("errors {\n unknown\n}", "Unknown field unknown")]
    [InlineData("errors {\n consolidate 1m\n}", "Wrong argument count")]
    [InlineData("errors {\n consolidate 1m a b c d\n}", "Wrong argument count")]
    [InlineData("errors {\n consolidate 1x ^a\n}", "invalid duration")]
    [InlineData("errors {\n consolidate 1m ^a fatal\n}", "unknown log level argument in consolidate: fatal")]
    [InlineData("errors {\n consolidate 1m ^a warning maybe\n}", "show_first")]
    [InlineData("errors {\n consolidate 1m (\n}", "Corefile:3")]
    public void Setup_Invalid_Error(string body, string error) =>
        Assert.Contains(error, PluginHarness.SetupError("errors", body), StringComparison.Ordinal);

    [Fact]
    public void Setup_RegexTooLong_Error() =>
        Assert.Contains("regex too long", PluginHarness.SetupError("errors", "errors {\n consolidate 1m " + new string('a', 10001) + "\n}"), StringComparison.Ordinal);

    [Fact]
    public async Task Invoke_ChainError_LoggedWithRcodeNameTypeAndResponseUnchanged()
    {
        var h = PluginHarness.Create("example.org {\n errors\n}", "errors");
        var ctx = await h.RunAsync(PluginHarness.Query("WWW.Example.org.", DnsRecordType.Aaaa));
        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Contains("[ERROR] plugin/errors: 2 www.example.org. AAAA: plugin/test: no next plugin found\n", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_NoError_LogsNothing()
    {
        var h = PluginHarness.Create("example.org {\n errors\n}", "errors");
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A), ctx =>
        {
            ctx.Response = ctx.Request.CreateResponse();
            return default;
        });
        Assert.Equal("", h.Log);
    }

    [Fact]
    public async Task Invoke_AsyncChain_StillLogged()
    {
        var h = PluginHarness.Create("example.org {\n errors\n}", "errors");
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A), async ctx =>
        {
            await Task.Yield();
            ctx.Fail(ResponseCode.Refused, "plugin/forward: too many queries");
        });
        Assert.Contains("[ERROR] plugin/errors: 5 example.org. A: plugin/forward: too many queries", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consolidate_ThreeMatches_OneSummaryAfterPeriod()
    {
        var time = new ManualTimeProvider();
        var h = PluginHarness.Create("example.org {\n errors {\n  consolidate 30s ^plugin/test warning\n }\n}", "errors", time: time);
        for (var i = 0; i < 3; i++)
        {
            await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        }
        Assert.Equal("", h.Log);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("", h.Log);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("[WARNING] plugin/errors: 3 errors like '^plugin/test' occurred in last 30s\n", h.Log);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(h.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Consolidate_NonMatchingError_LoggedPlainly()
    {
        var h = PluginHarness.Create("example.org {\n errors {\n  consolidate 30s ^nomatch\n }\n}", "errors", time: new ManualTimeProvider());
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        Assert.Contains("[ERROR] plugin/errors: 2 example.org. A: plugin/test", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consolidate_ShowFirst_FirstInFullThenCount()
    {
        var time = new ManualTimeProvider();
        var h = PluginHarness.Create("example.org {\n errors {\n  consolidate 1m ^plugin/test info show_first\n }\n}", "errors", time: time);
        for (var i = 0; i < 3; i++)
        {
            await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        }
        Assert.Equal("[INFO] plugin/errors: 2 example.org. A: plugin/test: no next plugin found\n", h.Log);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.EndsWith("[INFO] plugin/errors: 3 errors like '^plugin/test' occurred in last 1m0s\n", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consolidate_ShowFirstSingleError_NoSummary()
    {
        var time = new ManualTimeProvider();
        var h = PluginHarness.Create("example.org {\n errors {\n  consolidate 1m ^plugin/test error show_first\n }\n}", "errors", time: time);
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("[ERROR] plugin/errors: 2 example.org. A: plugin/test: no next plugin found\n", h.Log);
    }

    [Fact]
    public async Task Stop_PendingCount_Flushed()
    {
        var time = new ManualTimeProvider();
        var h = PluginHarness.Create("example.org {\n errors {\n  consolidate 1h ^plugin/test\n }\n}", "errors", time: time);
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        await h.StopAsync();
        Assert.Equal("[ERROR] plugin/errors: 2 errors like '^plugin/test' occurred in last 1h0m0s\n", h.Log);
        await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        Assert.EndsWith("[ERROR] plugin/errors: 2 example.org. A: plugin/test: no next plugin found\n", h.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stacktrace_Panic_TraceLoggedAndRethrown()
    {
        var h = PluginHarness.Create("example.org {\n errors {\n  stacktrace\n }\n}", "errors");
        var ctx = PluginHarness.Query("example.org.", DnsRecordType.A);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await h.Plugin.InvokeAsync(ctx, _ => throw new InvalidOperationException("boom")));
        Assert.Contains("Recovered from panic in server: \"example.org.\" A: System.InvalidOperationException: boom", h.Log, StringComparison.Ordinal);
        Assert.Contains(nameof(Stacktrace_Panic_TraceLoggedAndRethrown), h.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("300ms", 3_000_000)]
    [InlineData("1.5h", 54_000_000_000)]
    [InlineData("2h45m", 99_000_000_000)]
    [InlineData("1m30s", 900_000_000)]
    [InlineData("-5s", -50_000_000)]
    [InlineData("10us", 100)]
    public void GoDuration_Valid_Parsed(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(ticks, d.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1x")]
    [InlineData("s")]
    [InlineData(".s")]
    public void GoDuration_Invalid_Rejected(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(300_000, "5m0s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(20, "20ms")]
    [InlineData(1_500, "1.5s")]
    public void GoDuration_Format_MatchesGo(int ms, string text) =>
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromMilliseconds(ms)));
}
