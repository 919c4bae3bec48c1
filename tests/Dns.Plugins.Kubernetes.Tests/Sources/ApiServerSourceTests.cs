using System.Diagnostics;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;
using k8s.Models;
using Xunit.Abstractions;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

public sealed class ApiServerSourceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartAsync_InitialList_SyncedSnapshotWithEverything()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("demo"));
        api.Add(Service("demo", "frontend", "10.96.1.1"));
        api.Add(Slice("demo", "frontend-abc", "frontend", "10.244.1.1", "10.244.1.2"));
        await using var source = new ApiServerSource(Options(api.Url));
        Assert.False(source.Current.Synced);

        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));

        var snap = source.Current;
        Assert.True(snap.Synced);
        Assert.True(snap.Serial > 1_600_000_000);
        Assert.NotNull(snap.GetService("demo", "frontend"));
        Assert.Equal(2, Assert.Single(snap.GetSlices("demo", "frontend")).Endpoints.Count);
        Assert.NotNull(snap.GetNamespace("demo"));
        Assert.Empty(snap.Pods);
        Assert.Equal(0, api.ListCount("pods"));
    }

    [Fact]
    public async Task StartAsync_ManyObjects_ListIsPaged()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            api.Add(Service("demo", "svc" + i, "10.96.2." + (i + 1)));
        }
        await using var source = new ApiServerSource(Options(api.Url, FastTiming with { PageSize = 3 }));
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));

        Assert.Equal(7, source.Current.Services.Count);
        Assert.Equal(3, api.ListCount("services"));
        Assert.Contains(api.Requests, r => r.Contains("/api/v1/services?", StringComparison.Ordinal) && r.Contains("continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_LabelSelectors_SentServerSideAndApplied()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("demo", new() { ["dns"] = "yes" }));
        api.Add(Namespace("hidden"));
        api.Add(Service("demo", "picked", "10.96.3.1", new() { ["app"] = "dns" }));
        api.Add(Service("demo", "ignored", "10.96.3.2", new() { ["app"] = "other" }));
        var options = Options(api.Url) with { LabelSelector = "app in (dns, web)", NamespaceLabelSelector = "dns=yes", WatchPods = true };
        await using var source = new ApiServerSource(options);
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));

        Assert.NotNull(source.Current.GetService("demo", "picked"));
        Assert.Null(source.Current.GetService("demo", "ignored"));
        Assert.NotNull(source.Current.GetNamespace("demo"));
        Assert.Null(source.Current.GetNamespace("hidden"));
        foreach (var resource in new[] { "/api/v1/services?", "/apis/discovery.k8s.io/v1/endpointslices?", "/api/v1/pods?" })
        {
            Assert.Contains(api.Requests, r => r.Contains(resource, StringComparison.Ordinal) && r.Contains("labelSelector=app", StringComparison.Ordinal));
        }
        Assert.Contains(api.Requests, r => r.Contains("/api/v1/namespaces?", StringComparison.Ordinal) && r.Contains("labelSelector=dns", StringComparison.Ordinal));

        api.Add(Service("demo", "late", "10.96.3.3", new() { ["app"] = "web" }));
        api.Add(Service("demo", "late-other", "10.96.3.4", new() { ["app"] = "x" }));
        await WaitForAsync(source, s => s.GetService("demo", "late") is not null);
        Assert.Null(source.Current.GetService("demo", "late-other"));
    }

    [Fact]
    public async Task StartAsync_NoEndpointsWithoutPods_OnlyServicesAndNamespacesWatched()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Slice("demo", "s", "svc", "10.244.0.1"));
        await using var source = new ApiServerSource(Options(api.Url) with { WatchEndpoints = false });
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));

        Assert.Empty(source.Current.Slices);
        Assert.Equal(0, api.ListCount("endpointslices"));
        Assert.Equal(0, api.ListCount("pods"));
    }

    [Fact]
    public async Task Watch_AddModifyDelete_VisibleInSnapshot()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url) with { WatchPods = true });

        api.Add(Service("demo", "web", "10.96.4.1"));
        api.Add(Slice("demo", "web-1", "web", "10.244.4.1"));
        api.Add(Pod("demo", "web-0", "10.244.4.1"));
        await WaitForAsync(source, s => s.GetService("demo", "web") is not null && s.GetSlices("demo", "web").Count == 1 && s.Pods.Count == 1);

        api.Update(Service("demo", "web", "10.96.4.2"));
        await WaitForAsync(source, s => s.GetService("demo", "web")?.ClusterIP == "10.96.4.2");

        api.Delete<V1Service>("demo", "web");
        api.Delete<V1EndpointSlice>("demo", "web-1");
        await WaitForAsync(source, s => s.GetService("demo", "web") is null && s.GetSlices("demo", "web").Count == 0);
        Assert.Equal(1, api.ListCount("services"));
    }

    [Fact]
    public async Task Watch_Bookmark_AdvancesResourceVersionForNextWatch()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        // Pods are not watched here: the services watch sees nothing of these changes but the bookmark.
        api.Add(Pod("demo", "p1", "10.244.0.9"));
        api.Add(Pod("demo", "p2", "10.244.0.10"));
        var rv = api.ResourceVersion;
        Assert.Contains(api.Requests, r => r.Contains("/api/v1/services?", StringComparison.Ordinal) && r.Contains("allowWatchBookmarks=true", StringComparison.Ordinal));
        api.SendBookmarks("services");
        Assert.True(await EventuallyAsync(() => source.ResourceVersionOf("services") == rv));

        api.CloseWatches("services");
        Assert.True(await api.WaitForAsync(a => a.WatchCount("services") == 2));
        Assert.Contains(api.Requests, r => r.Contains("/api/v1/services?", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal) && r.Contains("resourceVersion=" + rv, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_Error410Event_Relists()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "old", "10.96.5.1"));
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        api.Compact();
        api.ExpireWatches("services");

        Assert.True(await api.WaitForAsync(a => a.ListCount("services") == 2));
        Assert.True(await EventuallyAsync(() => source.ExpiredCount >= 1));
        api.Add(Service("demo", "after", "10.96.5.2"));
        await WaitForAsync(source, s => s.GetService("demo", "after") is not null);
        Assert.NotNull(source.Current.GetService("demo", "old"));
    }

    [Fact]
    public async Task Watch_Http410AtStart_RelistsAndDropsDeleted()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.ExpiredWatchAsHttpStatus = true;
        api.Add(Service("demo", "doomed", "10.96.6.1"));
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        // Mute the watch so the deletion is missed, then expire history: the next watch start gets HTTP 410.
        api.MuteWatches("services");
        api.Delete<V1Service>("demo", "doomed");
        api.Compact();
        api.CloseWatches("services");

        var snap = await WaitForAsync(source, s => s.GetService("demo", "doomed") is null);
        Assert.True(snap.Synced);
        Assert.True(api.ListCount("services") >= 2);
        Assert.True(source.ExpiredCount >= 1);
    }

    [Fact]
    public async Task Watch_StreamClosed_RewatchesFromResourceVersionWithoutRelist()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));
        api.Add(Service("demo", "one", "10.96.7.1"));
        await WaitForAsync(source, s => s.GetService("demo", "one") is not null);
        var rv = api.ResourceVersion;

        api.CloseWatches("services");
        Assert.True(await api.WaitForAsync(a => a.WatchCount("services") == 2 && a.OpenWatches("services") == 1));
        api.Add(Service("demo", "two", "10.96.7.2"));
        await WaitForAsync(source, s => s.GetService("demo", "two") is not null);

        Assert.Equal(1, api.ListCount("services"));
        Assert.Contains(api.Requests, r => r.Contains("/api/v1/services?", StringComparison.Ordinal) && r.Contains("resourceVersion=" + rv, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outage_ServerStopped_OldSnapshotKeptAndRecoveryWithinFiveSeconds()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "stable", "10.96.8.1"));
        await using var source = await StartedAsync(api, Options(api.Url, FastTiming with { MaxBackoff = TimeSpan.FromSeconds(1) }));
        var before = source.Current;
        var errors = source.ErrorCount;

        api.Stop();
        api.Add(Service("demo", "born-in-outage", "10.96.8.2"));
        Assert.True(await EventuallyAsync(() => source.ErrorCount > errors + 2));
        Assert.Same(before, source.Current);
        Assert.NotNull(source.Current.GetService("demo", "stable"));
        Assert.True(source.Current.Synced);

        var sw = Stopwatch.StartNew();
        api.Start();
        await WaitForAsync(source, s => s.GetService("demo", "born-in-outage") is not null, TimeSpan.FromSeconds(5));
        output.WriteLine($"recovered {sw.ElapsedMilliseconds} ms after the API server came back");
        Assert.NotNull(source.Current.GetService("demo", "stable"));
    }

    [Fact]
    public async Task Recovery_ThroughRelist_ResetsBackoffForTheNextFailure()
    {
        // Failures grow the backoff; recovery comes through a LIST (the history was compacted meanwhile) and the new
        // watch carries no events. The next broken stream must be retried after the initial delay, not the grown
        // one: the server is healthy again (found by ApiOutageEndToEndTests, which waited out 4-8 s in its 410 phase).
        var timing = FastTiming with { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(20) };
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url, timing));
        var errors = source.ErrorCount;
        api.Fail(500, "services", watch: true);
        api.CloseWatches("services");
        Assert.True(await EventuallyAsync(() => source.ErrorCount >= errors + 5, TimeSpan.FromSeconds(15)));
        api.Add(Service("demo", "after-500s", "10.96.11.1"));
        api.Compact();
        api.ClearFault();
        await WaitForAsync(source, s => s.GetService("demo", "after-500s") is not null, TimeSpan.FromSeconds(30));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") > 0));

        // The open watch's path dies: the stream breaks without an end, the next watch starts after a backoff.
        api.MuteWatches("services");
        api.Add(Service("demo", "after-break", "10.96.11.2"));
        var sw = Stopwatch.StartNew();
        api.ExpireWatches("services");
        await WaitForAsync(source, s => s.GetService("demo", "after-break") is not null, TimeSpan.FromSeconds(10));
        output.WriteLine($"recovered {sw.ElapsedMilliseconds} ms after the stream broke");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1.5), $"waited {sw.ElapsedMilliseconds} ms: the grown backoff was kept");
    }

    [Fact]
    public async Task Outage_DeletionDuringOutageWithCompaction_NotServedAfterRelist()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "gone-soon", "10.96.9.1"));
        api.Add(Service("demo", "stays", "10.96.9.2"));
        await using var source = await StartedAsync(api, Options(api.Url, FastTiming with { MaxBackoff = TimeSpan.FromSeconds(1) }));

        api.Stop();
        api.Delete<V1Service>("demo", "gone-soon");
        api.Compact();
        api.Start();

        var snap = await WaitForAsync(source, s => s.GetService("demo", "gone-soon") is null, TimeSpan.FromSeconds(5));
        Assert.NotNull(snap.GetService("demo", "stays"));
        Assert.True(api.ListCount("services") >= 2);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Watch_ServerErrors_BackOffThenRecover(int status)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url));
        api.Fail(status, "services", watch: true);
        api.CloseWatches("services");
        Assert.True(await api.WaitForAsync(a => a.WatchCount("services") >= 3));
        api.Add(Service("demo", "late", "10.96.10.1"));
        api.ClearFault();
        await WaitForAsync(source, s => s.GetService("demo", "late") is not null);
        Assert.Equal(1, api.ListCount("services"));
    }

    [Fact]
    public async Task Watch_SilentStream_WatchdogRestartsIt()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url, FastTiming with { IdleTimeout = TimeSpan.FromMilliseconds(400) }));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        api.MuteWatches("services");
        api.Add(Service("demo", "missed-by-dead-stream", "10.96.11.1"));

        await WaitForAsync(source, s => s.GetService("demo", "missed-by-dead-stream") is not null, TimeSpan.FromSeconds(5));
        Assert.True(source.WatchdogCount >= 1);
        Assert.Equal(1, api.ListCount("services"));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task List_Forbidden_LoggedAsRbacProblemAndUnsynced(int status)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Fail(status, "endpointslices");
        var log = new CapturingLoggerFactory();
        await using var source = new ApiServerSource(Options(api.Url), log);
        await source.StartAsync(CancellationToken.None);

        Assert.True(await EventuallyAsync(() => log.Contains("RBAC")));
        Assert.True(log.Contains("endpointslices"));
        Assert.False(await source.WaitForSyncAsync(TimeSpan.FromMilliseconds(100)));
        Assert.False(source.Current.Synced);

        api.ClearFault();
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));
    }

    [Fact]
    public async Task Serial_MovesOnlyOnDnsRelevantChange()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "svc", "10.96.12.1"));
        var time = new ShiftedTime();
        await using var source = new ApiServerSource(Options(api.Url), time: time);
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));
        var serial = source.Current.Serial;

        time.Offset = TimeSpan.FromSeconds(100);
        var labelled = Service("demo", "svc", "10.96.12.1", new() { ["touched"] = "yes" });
        api.Update(labelled);
        var snap = await WaitForAsync(source, s => s.GetService("demo", "svc")?.Labels.ContainsKey("touched") == true);
        Assert.Equal(serial, snap.Serial);

        api.Update(Service("demo", "svc", "10.96.12.1", null, new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" }));
        snap = await WaitForAsync(source, s => s.GetService("demo", "svc")?.Ports[0].Port == 53);
        // The shifted clock is 100 s ahead (plus whatever real seconds passed during the test).
        Assert.InRange(snap.Serial, serial + 100, serial + 130);
    }

    [Fact]
    public async Task ListOnceAsync_ReturnsSyncedSnapshot()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("default", "kubernetes", "10.96.0.1"));
        api.Add(Pod("default", "p", "10.244.0.5"));
        var snap = await ApiServerSource.ListOnceAsync(Options(api.Url) with { WatchPods = true });
        Assert.True(snap.Synced);
        Assert.NotNull(snap.GetService("default", "kubernetes"));
        Assert.Single(snap.Pods);
        Assert.Equal(0, api.WatchCount("services"));
    }

    [Fact]
    public async Task Watch_NewService_VisibleWithin100Milliseconds()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url, FastTiming with { CoalesceDelay = TimeSpan.FromMilliseconds(20) }));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        var samples = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            // Space samples beyond the coalescing window: this measures one lone change, not the burst throttle.
            await Task.Delay(30);
            var name = "lat" + i;
            var seen = WaitForAsync(source, s => s.GetService("demo", name) is not null);
            var sw = Stopwatch.StartNew();
            api.Add(Service("demo", name, "10.96.13." + (i + 1)));
            await seen;
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        output.WriteLine($"fake API create -> snapshot: median {samples[10]:0.0} ms, p90 {samples[18]:0.0} ms, max {samples[19]:0.0} ms");
        Assert.True(samples[10] < 100, $"median {samples[10]} ms");
    }

    [Fact]
    public async Task Watch_GarbageLine_LoggedAndRewatchedWithoutRelist()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        var log = new CapturingLoggerFactory();
        await using var source = new ApiServerSource(Options(api.Url), log);
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        api.SendRawWatchLine("this is not json", "services");
        api.Add(Service("demo", "after-garbage", "10.96.14.1"));

        await WaitForAsync(source, s => s.GetService("demo", "after-garbage") is not null);
        Assert.True(log.Contains("Unreadable data from the Kubernetes API for services"));
        Assert.Equal(1, api.ListCount("services"));
    }

    [Fact]
    public async Task Watch_ErrorEventOtherThan410_RelistsAfterBackoff()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));

        api.SendRawWatchLine("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"internal error","reason":"InternalError","code":500}}""", "services");

        Assert.True(await api.WaitForAsync(a => a.ListCount("services") == 2));
        Assert.Equal(0, source.ExpiredCount);
    }

    [Fact]
    public async Task Watch_Burst_CoalescedIntoFewSnapshots()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var source = await StartedAsync(api, Options(api.Url));
        Assert.True(await api.WaitForAsync(a => a.OpenWatches("services") == 1));
        var snapshots = 0;
        source.Changed += _ => Interlocked.Increment(ref snapshots);

        for (var i = 0; i < 200; i++)
        {
            api.Add(Service("burst", "s" + i, "10.97.0." + (i + 1)));
        }
        await WaitForAsync(source, s => s.Services.Count == 200);
        output.WriteLine($"200 watch events -> {snapshots} snapshots");
        Assert.True(snapshots < 100, snapshots + " snapshots");
    }

    [Fact]
    public async Task StartAsync_LargeCluster_SyncsQuickly()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        for (var i = 0; i < 1000; i++)
        {
            var ip = $"10.98.{i / 250}.{(i % 250) + 1}";
            api.Add(Service("ns" + (i % 20), "svc" + i, ip));
            api.Add(Slice("ns" + (i % 20), "svc" + i + "-x", "svc" + i, $"10.244.{i / 250}.{(i % 250) + 1}"));
        }
        var sw = Stopwatch.StartNew();
        await using var source = new ApiServerSource(Options(api.Url));
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(TimeSpan.FromSeconds(20)));
        output.WriteLine($"1000 services + 1000 slices synced in {sw.ElapsedMilliseconds} ms ({api.ListCount("services")} service pages)");
        Assert.Equal(1000, source.Current.Services.Count);
        Assert.Equal(1000, source.Current.Slices.Count);
        Assert.Equal(2, api.ListCount("services"));
    }

    private static async Task<ApiServerSource> StartedAsync(FakeKubeApiServer api, ApiSourceOptions options)
    {
        var source = new ApiServerSource(options);
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(SyncTimeout));
        _ = api;
        return source;
    }
}
