using Dns.Core.Protocol;
using Dns.Server.Plugins.Bufsize;

namespace Dns.Server.Tests.Plugins;

public sealed class BufsizePluginTests
{
    [Theory]
    [InlineData("bufsize", 1232)]
    [InlineData("bufsize 512", 512)]
    [InlineData("bufsize 4096", 4096)]
    [InlineData("bufsize 1500", 1500)]
    public void Setup_ValidSize_SetsPluginAndBlockLimit(string body, int size)
    {
        var h = PluginHarness.Create("example.org {\n" + body + "\n}", "bufsize");
        Assert.Equal(size, ((BufsizePlugin)h.Plugin).Size);
        Assert.Equal(size, h.Config.MaxUdpSize);
    }

    [Theory]
    [InlineData("bufsize 511")]
    [InlineData("bufsize 4097")]
    [InlineData("bufsize abc")]
    [InlineData("bufsize 512 1024")]
    public void Setup_InvalidSize_IsArgumentError(string body) =>
        Assert.Contains("Wrong argument count", PluginHarness.SetupError("bufsize", body), StringComparison.Ordinal);

    [Theory]
    [InlineData(4096, 1232)]
    [InlineData(1232, 1232)]
    [InlineData(1000, 1000)]
    [InlineData(512, 512)]
    public async Task Invoke_QueryWithOpt_LowersLargerSizeOnly(int asked, int expected)
    {
        var h = PluginHarness.Create("example.org {\n bufsize\n}", "bufsize");
        var ctx = PluginHarness.Query("example.org.", DnsRecordType.A, opt: new OptRecord { UdpPayloadSize = (ushort)asked });
        await h.RunAsync(ctx);
        Assert.Equal(expected, ctx.Request.Opt!.UdpPayloadSize);
        Assert.True(PluginHarness.WentNext(ctx));
    }

    [Fact]
    public async Task Invoke_QueryWithoutOpt_Untouched()
    {
        var h = PluginHarness.Create("example.org {\n bufsize 512\n}", "bufsize");
        var ctx = PluginHarness.Query("example.org.", DnsRecordType.A);
        await h.RunAsync(ctx);
        Assert.Null(ctx.Request.Opt);
        Assert.True(PluginHarness.WentNext(ctx));
    }
}
