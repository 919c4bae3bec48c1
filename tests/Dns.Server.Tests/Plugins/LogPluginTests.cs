using System.Net;
using System.Text.RegularExpressions;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Log;

namespace Dns.Server.Tests.Plugins;

public sealed partial class LogPluginTests
{
    private static LogOptions Options(string body) =>
        ((LogPlugin)PluginHarness.Create(".:53 {\n" + body + "\n}", "log").Plugin).Options;

    private static string Describe(LogRule r) => $"{r.NameScope.Text}|{r.Format.Text}|{r.Classes}";

    [Theory]
    [InlineData("log", new[] { ".|" + LogFormat.Common + "|All" })]
    [InlineData("log example.org", new[] { "example.org.|" + LogFormat.Common + "|All" })]
    [InlineData("log {combined}", new[] { "{combined}.|" + LogFormat.Common + "|All" })]
    [InlineData("log . {combined}", new[] { ".|" + LogFormat.Combined + "|All" })]
    [InlineData("log . {common}", new[] { ".|" + LogFormat.Common + "|All" })]
    [InlineData("log a.org b.org", new[] { "a.org.|" + LogFormat.Common + "|All", "b.org.|" + LogFormat.Common + "|All" })]
    [InlineData("log a.org \"{name} {type}\"", new[] { "a.org.|{name} {type}|All" })]
    [InlineData("log example.org {\n class denial\n}", new[] { "example.org.|" + LogFormat.Common + "|Denial" })]
    [InlineData("log . {\n class denial error\n}", new[] { ".|" + LogFormat.Common + "|Denial, Error" })]
    [InlineData("log . {\n class denial\n class success\n}", new[] { ".|" + LogFormat.Common + "|Success, Denial" })]
    [InlineData("log a.org\nlog b.org {\n class error\n}", new[] { "a.org.|" + LogFormat.Common + "|All", "b.org.|" + LogFormat.Common + "|Error" })]
    public void Setup_Table_Rules(string body, string[] expected) =>
        Assert.Equal(expected, Options(body).Rules.Select(Describe));

    [Theory]
    [InlineData("log . {\n class\n}", "Wrong argument count")]
    [InlineData("log . {\n class nothing\n}", "invalid Class: nothing")]
    [InlineData("log . {\n level info\n}", "Wrong argument count")]
    public void Setup_Invalid_Error(string body, string error) =>
        Assert.Contains(error, PluginHarness.SetupError("log", body), StringComparison.Ordinal);

    private static readonly DnsRequestDelegate AnswerA = ctx =>
    {
        var r = ctx.Request.CreateResponse();
        r.AuthoritativeAnswer = true;
        r.Answers.Add(new ARecord(DnsName.Parse("whoami.example.org."), 0, IPAddress.Parse("127.0.0.1")));
        ctx.Response = r;
        return default;
    };

    [GeneratedRegex(@"^\[INFO\] 127\.0\.0\.1:53000 - 4242 ""A IN whoami\.example\.org\. udp (\d+) false 512"" NOERROR qr,aa,rd (\d+) \d+(\.\d+)?s$", RegexOptions.Multiline)]
    private static partial Regex CommonLine();

    [Fact]
    public async Task Invoke_Default_CommonLogFormatLine()
    {
        var h = PluginHarness.Create(".:53 {\n log\n}", "log");
        var ctx = await h.RunAsync(PluginHarness.Query("whoami.example.org.", DnsRecordType.A), AnswerA);
        var m = CommonLine().Match(h.Log);
        Assert.True(m.Success, h.Log);
        Assert.Equal(ctx.RequestSize.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups[1].Value);
        // 12 header + 24 question + 34 uncompressed A record.
        Assert.Equal("70", m.Groups[2].Value);
    }

    [Fact]
    public async Task Invoke_Ipv6TcpEdnsDo_FieldsRendered()
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{remote}|{port}|{proto}|{>do}|{>bufsize}|{>opcode}|{class}|{type}|{name}|{/missing}|{unknown}|{local}\"\n}", "log");
        var ctx = PluginHarness.Query("A.Example.ORG.", DnsRecordType.Mx, transport: DnsTransport.Tcp,
            opt: new OptRecord { UdpPayloadSize = 4096, DnssecOk = true }, remote: new IPEndPoint(IPAddress.IPv6Loopback, 5353));
        await h.RunAsync(ctx, AnswerA);
        Assert.Equal("[INFO] [::1]|5353|tcp|true|65535|0|IN|MX|a.example.org.|-|{unknown}|127.0.0.1\n", h.Log);
    }

    [Theory]
    [InlineData(0, 512)]
    [InlineData(100, 512)]
    [InlineData(1232, 1232)]
    public async Task Invoke_UdpBufsize_AtLeast512(int asked, int shown)
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{>bufsize}\"\n}", "log");
        await h.RunAsync(PluginHarness.Query("a.org.", DnsRecordType.A, opt: new OptRecord { UdpPayloadSize = (ushort)asked }), AnswerA);
        Assert.Equal($"[INFO] {shown}\n", h.Log);
    }

    [Fact]
    public async Task Invoke_ChainFailedWithoutWriting_RecorderEmpty()
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{rcode} {>rflags} {rsize}\"\n}", "log");
        var ctx = await h.RunAsync(PluginHarness.Query("a.org.", DnsRecordType.A));
        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.Equal("[INFO] NOERROR - 0\n", h.Log);
    }

    [Fact]
    public async Task Invoke_WrittenServfail_LoggedAsServfail()
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{rcode} {>rflags}\"\n}", "log");
        await h.RunAsync(PluginHarness.Query("a.org.", DnsRecordType.A), ctx =>
        {
            ctx.Response = ctx.Request.CreateErrorResponse(ResponseCode.ServFail);
            return default;
        });
        Assert.Equal("[INFO] SERVFAIL qr,rd\n", h.Log);
    }

    [Fact]
    public async Task Invoke_TruncatedByTransport_TcFlagShown()
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{>rflags} {rsize}\"\n}", "log");
        await h.RunAsync(PluginHarness.Query("big.example.org.", DnsRecordType.A), ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.AuthoritativeAnswer = true;
            for (var i = 0; i < 100; i++)
            {
                r.Answers.Add(new ARecord(ctx.QueryName, 60, new IPAddress([10, 0, 0, (byte)i])));
            }
            ctx.Response = r;
            return default;
        });
        // 12 + 21 question + 100 x (17 + 10 + 4) uncompressed.
        Assert.Equal("[INFO] qr,aa,tc,rd 3133\n", h.Log);
    }

    public static TheoryData<string, Func<DnsMessage, DnsMessage>, bool> ClassCases => new()
    {
        { "success", m => WithAnswer(m), true },
        { "success", m => m, true },
        { "success", m => Soa(m, ResponseCode.NxDomain), false },
        { "denial", m => Soa(m, ResponseCode.NxDomain), true },
        { "denial", m => Soa(m, ResponseCode.NoError), true },
        { "denial", m => Code(m, ResponseCode.NxDomain), false },
        { "error", m => Code(m, ResponseCode.NxDomain), true },
        { "error", m => Code(m, ResponseCode.ServFail), true },
        { "error", m => Code(m, ResponseCode.Refused), true },
        { "error", m => WithAnswer(m), false },
        { "all", m => Code(m, ResponseCode.Refused), true },
        { "denial success", m => Code(m, ResponseCode.ServFail), false },
    };

    private static DnsMessage WithAnswer(DnsMessage m)
    {
        m.Answers.Add(new ARecord(m.Question.Name, 5, IPAddress.Loopback));
        return m;
    }

    private static DnsMessage Code(DnsMessage m, ResponseCode code)
    {
        m.ResponseCode = code;
        return m;
    }

    private static DnsMessage Soa(DnsMessage m, ResponseCode code)
    {
        m.ResponseCode = code;
        m.Authority.Add(new SoaRecord(DnsName.Parse("org."), 30, DnsName.Parse("ns.org."), DnsName.Parse("h.org."), 1, 2, 3, 4, 5));
        return m;
    }

    [Theory]
    [MemberData(nameof(ClassCases))]
    public async Task Invoke_ClassFilter_LogsOnlyWantedClasses(string classes, Func<DnsMessage, DnsMessage> reply, bool logged)
    {
        var h = PluginHarness.Create(".:53 {\n log . \"{rcode}\" {\n  class " + classes + "\n }\n}", "log");
        await h.RunAsync(PluginHarness.Query("a.org.", DnsRecordType.A), ctx =>
        {
            ctx.Response = reply(ctx.Request.CreateResponse());
            return default;
        });
        Assert.Equal(logged, h.Log.Length > 0);
    }

    [Fact]
    public async Task Invoke_FirstMatchingRuleDecides()
    {
        var h = PluginHarness.Create(".:53 {\n log example.org \"first {name}\"\n log . \"second {name}\"\n}", "log");
        await h.RunAsync(PluginHarness.Query("www.example.org.", DnsRecordType.A), AnswerA);
        await h.RunAsync(PluginHarness.Query("www.example.com.", DnsRecordType.A), AnswerA);
        Assert.Equal("[INFO] first www.example.org.\n[INFO] second www.example.com.\n", h.Log);
    }

    [Fact]
    public async Task Invoke_NameOutsideRules_NotLogged()
    {
        var h = PluginHarness.Create(".:53 {\n log example.org\n}", "log");
        var ctx = await h.RunAsync(PluginHarness.Query("example.com.", DnsRecordType.A), AnswerA);
        Assert.Equal("", h.Log);
        Assert.NotNull(ctx.Response);
    }

    [Fact]
    public void UncompressedLength_MatchesEncodingWithoutCompression()
    {
        var m = DnsMessage.CreateQuery(DnsName.Parse("example.org."), DnsRecordType.Ptr).CreateResponse();
        m.Answers.Add(new PtrRecord(DnsName.Parse("1.0.0.10.in-addr.arpa."), 5, DnsName.Parse("example.org.")));
        // 12 + (13 + 4) + (23 + 10 + 13)
        Assert.Equal(75, LogFormat.UncompressedLength(m));
    }
}
