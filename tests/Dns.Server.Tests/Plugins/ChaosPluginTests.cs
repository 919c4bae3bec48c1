using Dns.Core.Protocol;
using Dns.Server.Hosting;
using Dns.Server.Plugins.Chaos;

namespace Dns.Server.Tests.Plugins;

public sealed class ChaosPluginTests
{
    private static ChaosOptions Options(string body) =>
        ((ChaosPlugin)PluginHarness.Create(".:53 {\n" + body + "\n}", "chaos").Plugin).Options;

    [Fact]
    public void Setup_NoArguments_DefaultVersionAndMaintainers()
    {
        var o = Options("chaos");
        Assert.Equal("CoreDNS-" + DnsServerHost.CompatibleVersion, o.Version);
        Assert.Equal(ChaosOptions.Owners, o.Authors);
        Assert.Contains("miekg", o.Authors);
    }

    [Fact]
    public void Setup_VersionOnly_KeepsMaintainers()
    {
        var o = Options("chaos CoreDNS-001");
        Assert.Equal("CoreDNS-001", o.Version);
        Assert.Equal(ChaosOptions.Owners, o.Authors);
    }

    [Fact]
    public void Setup_VersionAndAuthors_DeduplicatedAndSorted()
    {
        var o = Options("chaos v1 zed \"Miek Gieben\" amy zed");
        Assert.Equal("v1", o.Version);
        Assert.Equal(["Miek Gieben", "amy", "zed"], o.Authors);
    }

    [Fact]
    public void Setup_LongVersion_CutTo255()
    {
        var o = Options("chaos " + new string('v', 300));
        Assert.Equal(255, o.Version.Length);
    }

    [Theory]
    [InlineData("version.bind.")]
    [InlineData("VERSION.Bind.")]
    [InlineData("version.server.")]
    public async Task Invoke_VersionNames_AnswerVersionTxtInChaos(string name)
    {
        var h = PluginHarness.Create(".:53 {\n chaos CoreDNS-001\n}", "chaos");
        var ctx = await h.RunAsync(PluginHarness.Query(name, DnsRecordType.Txt, DnsClass.Ch));
        var txt = Assert.IsType<TxtRecord>(Assert.Single(ctx.Response!.Answers));
        Assert.Equal($"{name}\t0\tCH\tTXT\t\"CoreDNS-001\"", txt.ToString());
        Assert.False(ctx.Response.AuthoritativeAnswer);
    }

    [Fact]
    public async Task Invoke_AuthorsBind_OneTxtPerAuthor()
    {
        var h = PluginHarness.Create(".:53 {\n chaos v a b c\n}", "chaos");
        var ctx = await h.RunAsync(PluginHarness.Query("authors.bind.", DnsRecordType.Txt, DnsClass.Ch));
        var texts = ctx.Response!.Answers.Cast<TxtRecord>().Select(t => t.Strings[0]).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "b", "c"], texts);
    }

    [Theory]
    [InlineData("hostname.bind.")]
    [InlineData("id.server.")]
    public async Task Invoke_HostnameNames_AnswerMachineName(string name)
    {
        var h = PluginHarness.Create(".:53 {\n chaos\n}", "chaos");
        var ctx = await h.RunAsync(PluginHarness.Query(name, DnsRecordType.Txt, DnsClass.Ch));
        var txt = Assert.IsType<TxtRecord>(Assert.Single(ctx.Response!.Answers));
        Assert.Equal(Environment.MachineName, txt.Strings[0]);
    }

    [Theory]
    [InlineData("version.bind.", DnsRecordType.A, DnsClass.Ch)]
    [InlineData("version.bind.", DnsRecordType.Txt, DnsClass.In)]
    [InlineData("other.bind.", DnsRecordType.Txt, DnsClass.Ch)]
    public async Task Invoke_NotAChaosQuestion_GoesNext(string name, DnsRecordType type, DnsClass cls)
    {
        var h = PluginHarness.Create(".:53 {\n chaos\n}", "chaos");
        var ctx = await h.RunAsync(PluginHarness.Query(name, type, cls));
        Assert.True(PluginHarness.WentNext(ctx));
    }
}
