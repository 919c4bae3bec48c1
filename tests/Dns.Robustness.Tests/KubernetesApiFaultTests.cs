using System.Collections.Concurrent;
using System.Net;
using Dns.Core.Protocol;
using Dns.Testing.FakeKubeApi;
using k8s.Models;
using Xunit.Abstractions;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.13 through the real server, for what Dns.Plugins.Kubernetes.Tests (ApiOutageEndToEndTests,
/// KubernetesApiEndToEndTests) do not check: a known name is polled without pause through every fault and must
/// answer NOERROR every time; <c>/ready</c> is 503 until the first full sync and then stays 200 (CoreDNS's ready
/// plugin stops asking a plugin once it was ready); and Services deleted while the API server was gone, failing,
/// or compacted disappear within 5 s of recovery, so a relist neither keeps a stale record nor drops a live one.
/// </summary>
public sealed class KubernetesApiFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ApiFaults_KnownNameAlwaysAnswersReadyStaysAndChangesConverge()
    {
        await using var cluster = await KubeCluster.StartAsync(
            api =>
            {
                api.Add(Namespace("demo"));
                for (var i = 1; i <= 4; i++)
                {
                    api.Add(Service("demo", $"doomed{i}", $"10.96.30.{i}"));
                }
                api.Fail(500);
            },
            options: "startup_timeout 200ms",
            blockPlugins: "ready 127.0.0.1:0",
            waitForSync: false);
        var api = cluster.Api;
        using var http = new HttpClient();
        var readyUrl = $"http://127.0.0.1:{cluster.Server.Host.HttpPorts["127.0.0.1:0"]}/ready";

        // Before the first full sync: not ready, and the names it would serve are SERVFAIL (not NXDOMAIN).
        using (var notReady = await http.GetAsync(readyUrl))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }
        Assert.Equal(ResponseCode.ServFail, (await cluster.QueryAsync(KubeCluster.KnownService)).ResponseCode);
        api.ClearFault();
        await ConvergeAsync(cluster, KubeCluster.KnownService, ResponseCode.NoError, "first sync");
        // Services can answer before every resource is listed; ready waits for all of them.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var ready = await http.GetAsync(readyUrl);
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            Assert.True(sw.Elapsed < Recovery, "not ready within 5 s of the API server's recovery");
            await Task.Delay(25);
        }

        // From here on, poll without pause until every fault is over.
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var dnsPoller = PollDnsAsync(cluster, failures, stop.Token);
        var readyPoller = PollReadyAsync(http, readyUrl, failures, stop.Token);

        // Outage: the API server is gone while a Service is deleted and another created.
        api.Stop();
        api.Delete<V1Service>("demo", "doomed1");
        api.Add(Service("demo", "born1", "10.96.31.1"));
        await Task.Delay(300);
        api.Start();
        await ConvergeAsync(cluster, "doomed1.demo.svc.cluster.local.", ResponseCode.NxDomain, "outage");
        await ConvergeAsync(cluster, "born1.demo.svc.cluster.local.", ResponseCode.NoError, "outage");

        // Watches closed mid-stream while changes happen.
        api.CloseWatches();
        api.Delete<V1Service>("demo", "doomed2");
        api.Add(Service("demo", "born2", "10.96.31.2"));
        await ConvergeAsync(cluster, "doomed2.demo.svc.cluster.local.", ResponseCode.NxDomain, "watch closed");
        await ConvergeAsync(cluster, "born2.demo.svc.cluster.local.", ResponseCode.NoError, "watch closed");

        // Watches answer 500 and the open ones are cut.
        var watches = api.WatchCount("services");
        api.Fail(500, watch: true);
        api.CloseWatches();
        api.Delete<V1Service>("demo", "doomed3");
        Assert.True(await api.WaitForAsync(a => a.WatchCount("services") > watches));
        api.ClearFault();
        await ConvergeAsync(cluster, "doomed3.demo.svc.cluster.local.", ResponseCode.NxDomain, "500s");

        // 410 Gone: the history is compacted while the watch was silent, so only a relist can learn of the deletion.
        var lists = api.ListCount("services");
        api.MuteWatches();
        api.Delete<V1Service>("demo", "doomed4");
        api.Add(Service("demo", "born4", "10.96.31.4"));
        api.Compact();
        api.ExpireWatches();
        await ConvergeAsync(cluster, "doomed4.demo.svc.cluster.local.", ResponseCode.NxDomain, "410");
        await ConvergeAsync(cluster, "born4.demo.svc.cluster.local.", ResponseCode.NoError, "410");
        Assert.True(api.ListCount("services") > lists, "no relist after 410");

        await stop.CancelAsync();
        var polls = await dnsPoller;
        await readyPoller;
        Assert.True(polls > 20, $"only {polls} polls");
        Assert.Empty(failures);
        // Everything created along the way is still there after the relist.
        foreach (var (name, ip) in new[] { ("born1", "10.96.31.1"), ("born2", "10.96.31.2"), ("born4", "10.96.31.4") })
        {
            var r = await cluster.QueryAsync($"{name}.demo.svc.cluster.local.");
            Assert.Equal(ip, Assert.IsType<ARecord>(Assert.Single(r.Answers)).Address.ToString());
        }
        await cluster.AssertAliveAsync();
        Assert.DoesNotContain("[ERROR] plugin/kubernetes: panic", cluster.Server.Log, StringComparison.Ordinal);
    }

    private async Task ConvergeAsync(KubeCluster cluster, string name, ResponseCode rcode, string phase)
    {
        var took = await cluster.WaitForAsync(name, r => r.ResponseCode == rcode, Recovery);
        output.WriteLine($"{phase}: {name} {rcode} after {took.TotalMilliseconds:F0} ms");
    }

    private static async Task<int> PollDnsAsync(KubeCluster cluster, ConcurrentQueue<string> failures, CancellationToken ct)
    {
        var n = 0;
        while (!ct.IsCancellationRequested)
        {
            n++;
            try
            {
                var r = await cluster.QueryAsync(KubeCluster.KnownService);
                if (r.ResponseCode != ResponseCode.NoError || r.Answers.Count != 1)
                {
                    failures.Enqueue($"known service: {r.ResponseCode} with {r.Answers.Count} answers");
                }
            }
            catch (TimeoutException e)
            {
                failures.Enqueue(e.Message);
            }
            await Task.Delay(10, CancellationToken.None);
        }
        return n;
    }

    private static async Task PollReadyAsync(HttpClient http, string url, ConcurrentQueue<string> failures, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var r = await http.GetAsync(url, CancellationToken.None);
            if (r.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"/ready {(int)r.StatusCode}");
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
