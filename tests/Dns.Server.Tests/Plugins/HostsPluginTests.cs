using System.Net;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Hosts;

namespace Dns.Server.Tests.Plugins;

public sealed class HostsPluginTests : IDisposable
{
    private const string HostsExample = """
        127.0.0.1 localhost localhost.domain
        ::1 localhost localhost.domain
        10.0.0.1 example.org
        ::FFFF:10.0.0.2 example.com
        10.0.0.3 Mixed.Example.ORG   # comment
        # 10.0.0.9 commented.example.org
        10.0.0.01 leadingzero.example.org
        300.0.0.1 bad.example.org
        fe80::1%eth0 zoned.example.org
        10.0.0.4
        10.0.0.5 multi.example.org alias.example.org
        10.0.0.6 multi.example.org
        192.168.1.10 *.wild.example.org
        192.168.1.11 a.wild.example.org
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("hosts-test").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteHosts(string text, string name = "hosts")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<PluginHarness> StartAsync(string body, string zones = ".")
    {
        var h = PluginHarness.Create(zones + ":53 {\n" + body + "\n}", "hosts", fileName: Path.Combine(_dir, "Corefile"));
        await h.StartAsync();
        return h;
    }

    private static HostsOptions Options(string body, string zones = "example.org") =>
        HostsSetup.Parse(Core.Corefile.CorefileDispenser.FromText(body), [zones + "."], p => "/abs/" + p);

    [Fact]
    public void Setup_Defaults()
    {
        var o = Options("hosts");
        Assert.Equal("/etc/hosts", o.Path);
        Assert.Equal(["example.org."], o.Origins.Select(z => z.Text));
        Assert.Equal(3600u, o.Ttl);
        Assert.True(o.AutoReverse);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Reload);
        Assert.Null(o.Fallthrough);
        Assert.Empty(o.Inline);
    }

    [Fact]
    public void Setup_FullSyntax_AllOptions()
    {
        var o = Options("hosts my.hosts Example.NET 10.0.0.0/24 {\n 10.0.0.1 a.example.net\n ttl 60\n no_reverse\n reload 1.5s\n fallthrough in-addr.arpa\n fallthrough_unsupported\n}");
        Assert.Equal("/abs/my.hosts", o.Path);
        Assert.Equal(["example.net.", "0.0.10.in-addr.arpa."], o.Origins.Select(z => z.Text));
        Assert.Equal(60u, o.Ttl);
        Assert.False(o.AutoReverse);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.Reload);
        Assert.Equal(["in-addr.arpa."], o.Fallthrough!.Select(z => z.Text));
        Assert.True(o.FallthroughUnsupported);
        Assert.Equal(["10.0.0.1 a.example.net"], o.Inline);
    }

    [Fact]
    public void Setup_FallthroughWithoutZones_Root() =>
        Assert.Equal(["."], Options("hosts {\n fallthrough\n}").Fallthrough!.Select(z => z.Text));

    [Fact]
    public void Setup_ReloadZero_Disabled() => Assert.Equal(TimeSpan.Zero, Options("hosts {\n reload 0\n}").Reload);

    [Theory]
    [InlineData("hosts\nhosts", "only be used once")]
    [InlineData("hosts {\n ttl\n}", "ttl needs a time in second")]
    [InlineData("hosts {\n ttl abc\n}", "ttl needs a number of second")]
    [InlineData("hosts {\n ttl 0\n}", "ttl provided is invalid")]
    [InlineData("hosts {\n ttl 65536\n}", "ttl provided is invalid")]
    [InlineData("hosts {\n reload\n}", "reload needs a duration (zero seconds to disable)")]
    [InlineData("hosts {\n reload 5\n}", "invalid duration for reload '5'")]
    [InlineData("hosts {\n reload -1s\n}", "invalid negative duration for reload '-1s'")]
    [InlineData("hosts {\n fallthrough\n 10.0.0.1 a.example.org\n}", "unknown property '10.0.0.1'")]
    [InlineData("hosts {\n fallthrough_unsupported\n}", "fallthrough_unsupported requires fallthrough")]
    public void Setup_Invalid_Error(string body, string error)
    {
        var e = Assert.Throws<Core.Corefile.CorefileException>(() => Options(body));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HostsText_KeepsValidEntriesInOrigins()
    {
        var entries = HostsSnapshot.Parse(new StringReader(HostsExample + "\n10.9.9.9 outside.test"), [DnsName.Parse("example.org."), DnsName.Parse("localhost.")]);
        Assert.Equal(
            ["127.0.0.1 localhost.", "::1 localhost.", "10.0.0.1 example.org.", "10.0.0.3 mixed.example.org.", "fe80::1 zoned.example.org.",
             "10.0.0.5 multi.example.org.", "10.0.0.5 alias.example.org.", "10.0.0.6 multi.example.org.", "192.168.1.10 *.wild.example.org.",
             "192.168.1.11 a.wild.example.org."],
            entries.Select(e => $"{e.Address} {e.Name.Text}"));
        Assert.True(entries.Single(e => e.Name.Text.StartsWith('*')).Wildcard);
    }

    public static TheoryData<string, DnsRecordType, ResponseCode, string[]> Cases => new()
    {
        { "example.org.", DnsRecordType.A, ResponseCode.NoError, ["example.org.\t3600\tIN\tA\t10.0.0.1"] },
        { "EXAMPLE.org.", DnsRecordType.A, ResponseCode.NoError, ["example.org.\t3600\tIN\tA\t10.0.0.1"] },
        { "example.com.", DnsRecordType.A, ResponseCode.NoError, ["example.com.\t3600\tIN\tA\t10.0.0.2"] },
        { "localhost.", DnsRecordType.Aaaa, ResponseCode.NoError, ["localhost.\t3600\tIN\tAAAA\t::1"] },
        { "mixed.example.org.", DnsRecordType.A, ResponseCode.NoError, ["mixed.example.org.\t3600\tIN\tA\t10.0.0.3"] },
        { "multi.example.org.", DnsRecordType.A, ResponseCode.NoError, ["multi.example.org.\t3600\tIN\tA\t10.0.0.5", "multi.example.org.\t3600\tIN\tA\t10.0.0.6"] },
        { "1.0.0.10.in-addr.arpa.", DnsRecordType.Ptr, ResponseCode.NoError, ["1.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\texample.org."] },
        { "2.0.0.10.in-addr.arpa.", DnsRecordType.Ptr, ResponseCode.NoError, ["2.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\texample.com."] },
        { "1.0.0.127.in-addr.arpa.", DnsRecordType.Ptr, ResponseCode.NoError, ["1.0.0.127.in-addr.arpa.\t3600\tIN\tPTR\tlocalhost.", "1.0.0.127.in-addr.arpa.\t3600\tIN\tPTR\tlocalhost.domain."] },
        { "5.0.0.10.in-addr.arpa.", DnsRecordType.Ptr, ResponseCode.NoError, ["5.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\tmulti.example.org.", "5.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\talias.example.org."] },
        { "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.", DnsRecordType.Ptr, ResponseCode.NoError, ["1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.\t3600\tIN\tPTR\tlocalhost.", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.\t3600\tIN\tPTR\tlocalhost.domain."] },
        { "example.org.", DnsRecordType.Aaaa, ResponseCode.NoError, [] },
        { "example.org.", DnsRecordType.Mx, ResponseCode.NoError, [] },
        { "apps.wild.example.org.", DnsRecordType.A, ResponseCode.NoError, ["apps.wild.example.org.\t3600\tIN\tA\t192.168.1.10"] },
        { "a.wild.example.org.", DnsRecordType.A, ResponseCode.NoError, ["a.wild.example.org.\t3600\tIN\tA\t192.168.1.11"] },
        { "wild.example.org.", DnsRecordType.A, ResponseCode.ServFail, [] },
        { "deep.apps.wild.example.org.", DnsRecordType.A, ResponseCode.ServFail, [] },
        { "missing.example.org.", DnsRecordType.A, ResponseCode.ServFail, [] },
        { "missing.example.org.", DnsRecordType.Txt, ResponseCode.ServFail, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invoke_Table_AnswersAsCoreDns(string name, DnsRecordType type, ResponseCode rcode, string[] answers)
    {
        WriteHosts(HostsExample);
        var h = await StartAsync("hosts hosts");
        var ctx = await h.RunAsync(PluginHarness.Query(name, type));
        Assert.False(PluginHarness.WentNext(ctx));
        var r = ctx.Response!;
        Assert.Equal(rcode, r.ResponseCode);
        Assert.Equal(rcode == ResponseCode.NoError, r.AuthoritativeAnswer);
        Assert.Equal(answers.Order(StringComparer.Ordinal), r.Answers.Select(a => a.ToString()).Order(StringComparer.Ordinal));
        Assert.Empty(r.Authority);
        Assert.Empty(r.Additional);
        Assert.Equal(rcode == ResponseCode.ServFail, ctx.IsFailure);
    }

    [Theory]
    [InlineData("9.9.9.10.in-addr.arpa.", DnsRecordType.Ptr)]
    [InlineData("1.0.0.10.in-addr.arpa.", DnsRecordType.A)]
    [InlineData("bogus.in-addr.arpa.", DnsRecordType.Ptr)]
    [InlineData("example.net.", DnsRecordType.A)]
    public async Task Invoke_NotOurs_GoesNext(string name, DnsRecordType type)
    {
        var h = await StartAsync("hosts {\n 10.0.0.1 example.org\n reload 0\n}", "example.org");
        var ctx = await h.RunAsync(PluginHarness.Query(name, type));
        Assert.True(PluginHarness.WentNext(ctx));
    }

    [Fact]
    public async Task Invoke_PtrOutsideOrigins_StillAnswered()
    {
        var h = await StartAsync("hosts /nonexistent/hosts {\n 10.0.0.1 example.org\n}", "example.org");
        var ctx = await h.RunAsync(PluginHarness.Query("1.0.0.10.in-addr.arpa.", DnsRecordType.Ptr));
        Assert.Equal("1.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\texample.org.", Assert.Single(ctx.Response!.Answers).ToString());
        Assert.Contains("[WARNING] plugin/hosts: File does not exist: /nonexistent/hosts", h.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.example.org.", DnsRecordType.A, true)]
    [InlineData("example.org.", DnsRecordType.Aaaa, false)]
    [InlineData("example.org.", DnsRecordType.Txt, false)]
    public async Task Fallthrough_OnlyForAbsentNames(string name, DnsRecordType type, bool next)
    {
        var h = await StartAsync("hosts /nonexistent {\n 10.0.0.1 example.org\n fallthrough\n}", "example.org");
        var ctx = await h.RunAsync(PluginHarness.Query(name, type));
        Assert.Equal(next, PluginHarness.WentNext(ctx));
    }

    [Theory]
    [InlineData("example.org.", DnsRecordType.Txt, true)]
    [InlineData("example.org.", DnsRecordType.Aaaa, false)]
    [InlineData("other.org.", DnsRecordType.Txt, false)]
    public async Task FallthroughUnsupported_UnsupportedTypesOfExistingNames(string name, DnsRecordType type, bool next)
    {
        var h = await StartAsync("hosts /nonexistent {\n 10.0.0.1 example.org\n 10.0.0.2 other.org\n fallthrough example.org\n fallthrough_unsupported\n}", ".");
        var ctx = await h.RunAsync(PluginHarness.Query(name, type));
        Assert.Equal(next, PluginHarness.WentNext(ctx));
    }

    [Fact]
    public async Task Fallthrough_ZoneScoped_OtherZonesServfail()
    {
        var h = await StartAsync("hosts /nonexistent {\n 10.0.0.1 example.org\n fallthrough sub.example.org\n}", "example.org");
        Assert.True(PluginHarness.WentNext(await h.RunAsync(PluginHarness.Query("x.sub.example.org.", DnsRecordType.A))));
        Assert.Equal(ResponseCode.ServFail, (await h.RunAsync(PluginHarness.Query("x.example.org.", DnsRecordType.A))).Response!.ResponseCode);
    }

    [Fact]
    public async Task Options_TtlAndNoReverse_Applied()
    {
        var h = await StartAsync("hosts /nonexistent {\n 10.0.0.1 example.org\n ttl 60\n no_reverse\n}", "example.org");
        var a = await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        Assert.Equal(60u, Assert.Single(a.Response!.Answers).Ttl);
        Assert.True(PluginHarness.WentNext(await h.RunAsync(PluginHarness.Query("1.0.0.10.in-addr.arpa.", DnsRecordType.Ptr))));
    }

    [Fact]
    public async Task FileAndInline_FileFirstThenInline()
    {
        WriteHosts("10.0.0.1 example.org\n");
        var h = await StartAsync("hosts hosts {\n 10.0.0.2 example.org\n}", "example.org");
        var ctx = await h.RunAsync(PluginHarness.Query("example.org.", DnsRecordType.A));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], ctx.Response!.Answers.Cast<ARecord>().Select(a => a.Address.ToString()));
    }

    [Fact]
    public async Task Reload_FileChanged_NewSnapshotServed()
    {
        var path = WriteHosts("10.0.0.1 example.org\n");
        var time = new ManualTimeProvider();
        var h = PluginHarness.Create("example.org:53 {\n hosts hosts {\n  reload 2s\n }\n}", "hosts", fileName: Path.Combine(_dir, "Corefile"), time: time);
        await h.StartAsync();
        var plugin = (HostsPlugin)h.Plugin;
        var first = plugin.Data.Snapshot;
        Assert.Equal(2, first.Count);

        File.WriteAllText(path, "10.0.0.7 example.org\n10.0.0.8 new.example.org\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var reloaded = new TaskCompletionSource();
        plugin.Data.Reloaded += () => reloaded.TrySetResult();
        time.Advance(TimeSpan.FromSeconds(2));
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var ctx = await h.RunAsync(PluginHarness.Query("new.example.org.", DnsRecordType.A));
        Assert.Equal("new.example.org.\t3600\tIN\tA\t10.0.0.8", Assert.Single(ctx.Response!.Answers).ToString());
        Assert.NotSame(first, plugin.Data.Snapshot);

        // Unchanged file: the snapshot stays.
        var second = plugin.Data.Snapshot;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Same(second, plugin.Data.Snapshot);

        // Deleted file: the last data stays.
        File.Delete(path);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Same(second, plugin.Data.Snapshot);
        await h.StopAsync();
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public async Task Snapshot_Lookup_DoesNotAllocateOnHit()
    {
        WriteHosts(HostsExample);
        var h = await StartAsync("hosts hosts");
        var snapshot = ((HostsPlugin)h.Plugin).Data.Snapshot;
        var name = DnsName.Parse("example.org.");
        _ = snapshot.Find(name);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = snapshot.Find(name);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("10.0.0.1", "1.0.0.10.in-addr.arpa.")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")]
    public void ReverseName_RoundTrips(string ip, string reverse)
    {
        var addr = IPAddress.Parse(ip);
        Assert.Equal(reverse, HostsSnapshot.ReverseName(addr));
        Assert.Equal(addr, HostsSnapshot.AddressFromReverse(DnsName.Parse(reverse)));
    }

    [Theory]
    [InlineData("01.0.0.10.in-addr.arpa.")]
    [InlineData("256.0.0.10.in-addr.arpa.")]
    [InlineData("0.0.10.in-addr.arpa.")]
    [InlineData("1.0.0.10.in-addr.arpa.example.")]
    [InlineData("x.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.")]
    public void AddressFromReverse_Malformed_Null(string name) =>
        Assert.Null(HostsSnapshot.AddressFromReverse(DnsName.Parse(name)));
}
