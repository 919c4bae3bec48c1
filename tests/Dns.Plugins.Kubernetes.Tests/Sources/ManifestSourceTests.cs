using Dns.Plugins.Kubernetes.Sources;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

public sealed class ManifestSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("manifest-source").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StartAsync_ExampleCluster_SyncedAtOnce()
    {
        await using var source = new ManifestSource(Path.Combine(RepoRoot(), "examples", "cluster.yaml"));
        await source.StartAsync(CancellationToken.None);
        Assert.True(await source.WaitForSyncAsync(TimeSpan.Zero));
        Assert.True(source.Current.Synced);
        Assert.NotNull(source.Current.GetService("kube-system", "kube-dns"));
        Assert.True(source.Current.Serial > 1_600_000_000);
    }

    [Fact]
    public async Task FileChanged_NewSnapshotPublished()
    {
        var file = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(file, ServiceYaml("one", "10.96.0.31"));
        await using var source = new ManifestSource(file);
        await source.StartAsync(CancellationToken.None);
        Assert.NotNull(source.Current.GetService("default", "one"));

        File.WriteAllText(file, ServiceYaml("one", "10.96.0.31") + "---\n" + ServiceYaml("two", "10.96.0.32"));
        var snap = await WaitForAsync(source, s => s.GetService("default", "two") is not null, TimeSpan.FromSeconds(5));
        Assert.NotNull(snap.GetService("default", "one"));
    }

    [Fact]
    public async Task OtherFileInDirectoryWritten_NoReload()
    {
        // A log written beside the manifest (the soak's server.log) once forced a reload per write, and each reload
        // logged: a loop reloading the cluster several times a second.
        var file = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(file, ServiceYaml("one", "10.96.0.35"));
        await using var source = new ManifestSource(file, pollInterval: TimeSpan.FromMilliseconds(100));
        await source.StartAsync(CancellationToken.None);
        Assert.Equal(1, source.Reloads);
        var other = Path.Combine(_dir, "server.log");
        for (var i = 0; i < 20; i++)
        {
            File.AppendAllText(other, "line " + i + "\n");
            await Task.Delay(25);
        }
        await Task.Delay(400);
        Assert.Equal(1, source.Reloads);

        File.WriteAllText(file, ServiceYaml("two", "10.96.0.36"));
        await WaitForAsync(source, s => s.GetService("default", "two") is not null, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task FileBroken_PreviousSnapshotKeptAndErrorLoggedWithFileName()
    {
        var file = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(file, ServiceYaml("one", "10.96.0.41"));
        var log = new CapturingLoggerFactory();
        await using var source = new ManifestSource(file, log, pollInterval: TimeSpan.FromMilliseconds(100));
        await source.StartAsync(CancellationToken.None);
        var good = source.Current;

        File.WriteAllText(file, "apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n");
        Assert.True(await EventuallyAsync(() => source.Failures >= 1, TimeSpan.FromSeconds(5)));
        Assert.Same(good, source.Current);
        Assert.True(log.Contains(file));
        Assert.True(log.Contains("metadata.name is required"));

        File.WriteAllText(file, ServiceYaml("fixed", "10.96.0.42"));
        await WaitForAsync(source, s => s.GetService("default", "fixed") is not null, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Directory_FileAddedAndRemoved_Followed()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), ServiceYaml("a", "10.96.0.51"));
        await using var source = new ManifestSource(_dir, pollInterval: TimeSpan.FromMilliseconds(200));
        await source.StartAsync(CancellationToken.None);
        Assert.Single(source.Current.Services);

        File.WriteAllText(Path.Combine(_dir, "b.yaml"), ServiceYaml("b", "10.96.0.52"));
        await WaitForAsync(source, s => s.Services.Count == 2, TimeSpan.FromSeconds(5));

        File.Delete(Path.Combine(_dir, "a.yaml"));
        var snap = await WaitForAsync(source, s => s.Services.Count == 1, TimeSpan.FromSeconds(5));
        Assert.NotNull(snap.GetService("default", "b"));
    }

    [Fact]
    public async Task StartAsync_MissingFile_UnsyncedUntilItAppears()
    {
        var file = Path.Combine(_dir, "later.yaml");
        await using var source = new ManifestSource(file, pollInterval: TimeSpan.FromMilliseconds(100));
        await source.StartAsync(CancellationToken.None);
        Assert.False(source.Current.Synced);
        Assert.False(await source.WaitForSyncAsync(TimeSpan.FromMilliseconds(50)));

        File.WriteAllText(file, ServiceYaml("late", "10.96.0.61"));
        Assert.True(await source.WaitForSyncAsync(TimeSpan.FromSeconds(5)));
        Assert.NotNull(source.Current.GetService("default", "late"));
    }

    [Fact]
    public async Task FileTruncatedThenWritten_EmptyInterimNeverPublished()
    {
        var file = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(file, ServiceYaml("one", "10.96.0.71"));
        await using var source = new ManifestSource(file, pollInterval: TimeSpan.FromMilliseconds(50));
        var counts = new System.Collections.Concurrent.ConcurrentQueue<int>();
        source.Changed += s => counts.Enqueue(s.Services.Count);
        await source.StartAsync(CancellationToken.None);

        // A writer that truncates, stalls, then writes (what a slow File.WriteAllText looks like to a watcher).
        using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            await stream.FlushAsync();
            await Task.Delay(400);
            var bytes = System.Text.Encoding.UTF8.GetBytes(ServiceYaml("two", "10.96.0.72"));
            await stream.WriteAsync(bytes);
        }

        await WaitForAsync(source, s => s.GetService("default", "two") is not null, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(0, counts);
    }

    private static string ServiceYaml(string name, string ip) =>
        $"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{clusterIP: {ip}, ports: [{{name: http, port: 80}}]}}\n";
}
