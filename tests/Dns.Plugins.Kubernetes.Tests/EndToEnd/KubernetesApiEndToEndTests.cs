using System.Net;
using Dns.Plugins.Kubernetes.Tests.Sources;
using Dns.Testing;
using Dns.Testing.FakeKubeApi;
using k8s.Models;

namespace Dns.Plugins.Kubernetes.Tests.EndToEnd;

/// <summary>The whole server against the fake API server: readiness before and after sync, live changes.</summary>
public sealed class KubernetesApiEndToEndTests
{
    [Fact]
    public async Task Server_ApiFailsThenRecovers_ReadyAndAnswersFollow()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(KubeObjects.Namespace("demo"));
        api.Add(KubeObjects.Service("demo", "frontend", "10.96.1.1"));
        api.Fail(500);
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                ready 127.0.0.1:0
                kubernetes {
                    endpoint {{api.Url}}
                    startup_timeout 200ms
                }
            }
            """);
        using var http = new HttpClient();
        var readyUrl = $"http://127.0.0.1:{server.Host.HttpPorts["127.0.0.1:0"]}/ready";
        using (var notReady = await http.GetAsync(readyUrl))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("kubernetes", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("SERVFAIL", (await Dig.RunAsync(server.Port, "frontend.demo.svc.cluster.local", "A")).Status);

        var plugin = Assert.Single(server.Host.Instance.ReadinessChecks.OfType<KubernetesPlugin>());
        var synced = SourceTestKit.WaitForAsync(plugin.Source, s => s.Synced, TimeSpan.FromSeconds(20));
        api.ClearFault();
        await synced;
        using (var ready = await http.GetAsync(readyUrl))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        Assert.Equal(["frontend.demo.svc.cluster.local. 5 IN A 10.96.1.1"], (await Dig.RunAsync(server.Port, "frontend.demo.svc.cluster.local", "A")).Section("ANSWER"));

        var added = SourceTestKit.WaitForAsync(plugin.Source, s => s.GetService("demo", "late") is not null);
        api.Add(KubeObjects.Service("demo", "late", "10.96.3.3"));
        await added;
        Assert.Equal(["late.demo.svc.cluster.local. 5 IN A 10.96.3.3"], (await Dig.RunAsync(server.Port, "late.demo.svc.cluster.local", "A")).Section("ANSWER"));

        var removed = SourceTestKit.WaitForAsync(plugin.Source, s => s.GetService("demo", "frontend") is null);
        api.Delete<V1Service>("demo", "frontend");
        await removed;
        Assert.Equal("NXDOMAIN", (await Dig.RunAsync(server.Port, "frontend.demo.svc.cluster.local", "A")).Status);
    }
}
