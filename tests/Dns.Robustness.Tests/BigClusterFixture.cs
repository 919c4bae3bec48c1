using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Robustness.Tests;

/// <summary>
/// One server for a test class: namespace <c>demo</c> with the headless Service <c>big</c> whose 200 ready endpoints
/// are split over two EndpointSlices (the API server's default is at most 100 per slice), a pod (pods verified).
/// </summary>
public sealed class BigClusterFixture : IAsyncLifetime
{
    public const string BigService = "big.demo.svc.cluster.local.";

    public const string PodName = "10-244-0-5.demo.pod.cluster.local.";

    private KubeCluster? _cluster;

    internal KubeCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary>The addresses of every endpoint of <c>big</c>.</summary>
    public static IReadOnlyList<string> Endpoints { get; } = [.. Enumerable.Range(0, 200).Select(i => $"10.1.{i / 200}.{i % 200 + 1}")];

    public async Task InitializeAsync()
    {
        _cluster = await KubeCluster.StartAsync(api =>
        {
            api.Add(Namespace("demo"));
            api.Add(Service("demo", "big", "None"));
            api.Add(Slice("demo", "big-a", "big", [.. Endpoints.Take(100)]));
            api.Add(Slice("demo", "big-b", "big", [.. Endpoints.Skip(100)]));
            api.Add(Pod("demo", "web-0", "10.244.0.5"));
        }, options: "pods verified");
        // The slices may arrive after the services: wait until the whole set is served.
        await Cluster.WaitForAsync(BigService, r => r.ResponseCode == Core.Protocol.ResponseCode.NoError, TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
