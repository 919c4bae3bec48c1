using Dns.Core.Protocol;
using Dns.Server.Plugins.Any;

namespace Dns.Server.Tests.Plugins;

public sealed class AnyPluginTests
{
    [Theory]
    [InlineData("any", null)]
    [InlineData("any foo", "Wrong argument count")]
    [InlineData("any {\n  foo\n}", "Unexpected token '{'")]
    public void Setup_Table_AcceptsOrRejects(string body, string? error)
    {
        var e = PluginHarness.SetupError("any", body);
        if (error is null)
        {
            Assert.Null(e);
        }
        else
        {
            Assert.Contains(error, e, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invoke_AnyQuery_AnswersRfc8482Hinfo()
    {
        var h = PluginHarness.Create("example.org {\n any\n}", "any");
        var ctx = await h.RunAsync(PluginHarness.Query("WWW.example.org.", DnsRecordType.Any));
        Assert.False(PluginHarness.WentNext(ctx));
        var r = ctx.Response!;
        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.False(r.AuthoritativeAnswer);
        var hinfo = Assert.IsType<HinfoRecord>(Assert.Single(r.Answers));
        Assert.Equal("WWW.example.org.\t8482\tIN\tHINFO\t\"ANY obsoleted\" \"See RFC 8482\"", hinfo.ToString());
    }

    [Theory]
    [InlineData(DnsRecordType.A)]
    [InlineData(DnsRecordType.Txt)]
    public async Task Invoke_OtherType_GoesNext(DnsRecordType type)
    {
        var h = PluginHarness.Create("example.org {\n any\n}", "any");
        var ctx = await h.RunAsync(PluginHarness.Query("example.org.", type));
        Assert.True(PluginHarness.WentNext(ctx));
    }
}
