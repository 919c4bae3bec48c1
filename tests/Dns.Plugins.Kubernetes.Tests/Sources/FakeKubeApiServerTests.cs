using System.Text.Json.Nodes;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

public sealed class FakeKubeApiServerTests
{
    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app=db", false)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app in (db, web)", true)]
    [InlineData("app notin (db, web)", false)]
    [InlineData("app in (db),tier=front", false)]
    [InlineData("app in (db, web),tier=front", true)]
    [InlineData("", true)]
    public void LabelSelector_Matches_ApiServerGrammar(string selector, bool expected)
    {
        var labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(labels));
    }

    [Fact]
    public async Task List_RawHttp_KubernetesListShape()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "a", "10.96.0.1"));
        using var http = new HttpClient();
        var json = JsonNode.Parse(await http.GetStringAsync(api.Url + "/api/v1/services"))!;
        Assert.Equal("ServiceList", (string?)json["kind"]);
        Assert.Equal(api.ResourceVersion, (string?)json["metadata"]!["resourceVersion"]);
        Assert.Equal("a", (string?)json["items"]![0]!["metadata"]!["name"]);

        var missing = await http.GetAsync(api.Url + "/api/v1/widgets");
        Assert.Equal(404, (int)missing.StatusCode);
    }

    [Fact]
    public async Task Watch_RawHttp_ReplaysFromResourceVersionAsChunkedLines()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "a", "10.96.0.1"));
        var rv = api.ResourceVersion;
        api.Add(Service("demo", "b", "10.96.0.2"));
        api.Delete<V1Service>("demo", "a");
        using var http = new HttpClient();
        using var resp = await http.GetAsync(api.Url + "/api/v1/services?watch=true&resourceVersion=" + rv, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(resp.Headers.TransferEncodingChunked);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        var first = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        var second = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal(("ADDED", "b"), ((string?)first["type"], (string?)first["object"]!["metadata"]!["name"]));
        Assert.Equal(("DELETED", "a"), ((string?)second["type"], (string?)second["object"]!["metadata"]!["name"]));
        api.CloseWatches();
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task NamespacedListAndGet_KubernetesClient_Work()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "a", "10.96.0.1"));
        api.Add(Service("other", "b", "10.96.0.2"));
        api.Add(Namespace("demo"));
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = api.Url });
        var list = await client.CoreV1.ListNamespacedServiceAsync("demo");
        Assert.Equal("a", Assert.Single(list.Items).Metadata.Name);
        var svc = await client.CoreV1.ReadNamespacedServiceAsync("b", "other");
        Assert.Equal("10.96.0.2", svc.Spec.ClusterIP);
        var ns = await client.CoreV1.ReadNamespaceAsync("demo");
        Assert.Equal("demo", ns.Metadata.Name);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedServiceAsync("zz", "demo"));
        Assert.Equal(404, (int)e.Response.StatusCode);
    }

    [Fact]
    public async Task Kubeconfig_TokenAndServer_UsedBySource()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "a", "10.96.0.1"));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $$"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster: {server: "{{api.Url}}"}
                - name: unused
                  cluster: {server: "http://127.0.0.1:1"}
                users:
                - name: dns
                  user: {token: s3cr3t}
                contexts:
                - name: fake-ctx
                  context: {cluster: fake, user: dns}
                - name: other-ctx
                  context: {cluster: unused, user: dns}
                current-context: other-ctx
                """);
            var snap = await ApiServerSource.ListOnceAsync(new ApiSourceOptions { Kubeconfig = file, Context = "fake-ctx", Endpoint = "http://127.0.0.1:1" });
            Assert.NotNull(snap.GetService("demo", "a"));
            Assert.Equal("Bearer s3cr3t", api.LastAuthorization);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ClusterClientFactory_BadConfiguration_ReadableError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ClusterClientFactory.CreateConnection(new ApiSourceOptions { Kubeconfig = "/nonexistent/kubeconfig" }));
        Assert.Contains("kubeconfig", e.Message, StringComparison.OrdinalIgnoreCase);
        e = Assert.Throws<InvalidOperationException>(() => ClusterClientFactory.CreateConnection(new ApiSourceOptions { Endpoint = "https://10.0.0.1:6443", TlsCert = "/nonexistent/c.pem", TlsKey = "/nonexistent/k.pem", TlsCa = "/nonexistent/ca.pem" }));
        Assert.Contains("ca.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopStart_SamePortAndDataKept()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("demo", "a", "10.96.0.1"));
        var port = api.Port;
        api.Stop();
        Assert.False(api.IsRunning);
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(api.Url + "/api/v1/services"));
        api.Start();
        Assert.Equal(port, api.Port);
        Assert.Contains("\"a\"", await http.GetStringAsync(api.Url + "/api/v1/services"), StringComparison.Ordinal);
    }
}
