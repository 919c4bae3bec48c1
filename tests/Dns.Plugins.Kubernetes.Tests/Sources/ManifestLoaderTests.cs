using Dns.Plugins.Kubernetes.Sources;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

public sealed class ManifestLoaderTests
{
    [Fact]
    public void Load_ExampleCluster_EverythingTyped()
    {
        var content = ManifestLoader.Load(Path.Combine(RepoRoot(), "examples", "cluster.yaml"));
        Assert.Equal(3, content.Namespaces.Count);
        Assert.Equal(6, content.Services.Count);
        Assert.Equal(6, content.EndpointSlices.Count);
        Assert.Equal(8, content.Pods.Count);
        Assert.Empty(content.Skipped);

        var snap = content.ToSnapshot(42);
        Assert.True(snap.Synced);
        Assert.Equal(42u, snap.Serial);
        var dns = snap.GetService("kube-system", "kube-dns")!;
        Assert.Equal("10.96.0.10", dns.ClusterIP);
        Assert.Equal(["dns/53/UDP", "dns-tcp/53/TCP", "metrics/9153/TCP"], dns.Ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
        Assert.Equal(2, snap.GetService("demo", "api")!.ClusterIPAddresses.Count);
        Assert.Equal(2, snap.GetSlices("demo", "api").Count);
        Assert.True(snap.GetService("demo", "web")!.IsHeadless);
        var web = Assert.Single(snap.GetSlices("demo", "web"));
        Assert.Equal(["web-0", "web-1", "web-2"], web.Endpoints.Select(e => e.Hostname));
        Assert.False(web.Endpoints[2].Ready);
        Assert.Equal("example.com", snap.GetService("demo", "external")!.ExternalName);
        Assert.Equal("https", snap.GetService("default", "kubernetes")!.Ports[0].Name);
    }

    [Fact]
    public void LoadText_ListKindJsonAndOtherKinds_Flattened()
    {
        const string text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: a, namespace: ns1}
              spec: {clusterIP: 10.96.0.21, ports: [{port: 53, protocol: UDP}]}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: d}
            ---
            # only a comment
            ---
            {"apiVersion": "v1", "kind": "ServiceList", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}, "spec": {"clusterIP": "10.96.0.22"}}]}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            """;
        var content = ManifestLoader.LoadText(text, "mixed.yaml");
        Assert.Equal(["a", "b"], content.Services.Select(s => s.Metadata.Name));
        Assert.Equal(["apps/v1/Deployment", "example.com/v1/Widget"], content.Skipped);

        // Namespaces are created implicitly from the objects: ns1 and default (b has no namespace).
        var snap = content.ToSnapshot(1);
        Assert.NotNull(snap.GetNamespace("ns1"));
        Assert.NotNull(snap.GetNamespace("default"));
        Assert.NotNull(snap.GetService("default", "b"));
    }

    [Fact]
    public void LoadText_JsonFile_Loaded()
    {
        var content = ManifestLoader.LoadText("""{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s","namespace":"x","labels":{"kubernetes.io/service-name":"svc"}},"addressType":"IPv4","endpoints":[{"addresses":["10.244.0.1"]}]}""", "s.json");
        var slice = Assert.Single(content.EndpointSlices);
        Assert.Equal("svc", slice.Metadata.Labels["kubernetes.io/service-name"]);
    }

    [Theory]
    [InlineData("metadata: {name: s, labels: {version: 2, beta: true}}\nspec: {ports: [{port: 53}]}", 53)]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 0053, targetPort: dns}]}", 53)]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: \"8080\", targetPort: 8080}]}", 8080)]
    [InlineData("metadata: {name: s, annotations: {note: ~}}\nspec:\n  ports:\n  - port: +443\n    name: 'https'", 443)]
    public void LoadText_YamlScalarTyping_LikeKubectl(string body, int port)
    {
        var content = ManifestLoader.LoadText("apiVersion: v1\nkind: Service\n" + body + "\n", "typing.yaml");
        var svc = Assert.Single(content.Services);
        Assert.Equal(port, svc.Spec.Ports[0].Port);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n", "line 1: Service \"\": metadata.name is required")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: abc}]}\n", "line 1: Service \"svc\"")]
    [InlineData("apiVersion: v1\nmetadata: {name: x}\n", "object without 'kind'")]
    [InlineData("key: [unclosed\n", "bad.yaml: line")]
    [InlineData("- just\n- a list\n", "must be a Kubernetes object")]
    [InlineData("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Pod\nmetadata: {}\n", "line 6: Pod")]
    public void LoadText_BadObject_ErrorNamesFileAndObject(string text, string fragment)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestLoader.LoadText(text, "bad.yaml"));
        Assert.Equal("bad.yaml", e.File);
        Assert.StartsWith("bad.yaml: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Directory_ReadsManifestFilesInOrderSkippingHiddenAndOthers()
    {
        var dir = Directory.CreateTempSubdirectory("manifests").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "b.yml"), "apiVersion: v1\nkind: Service\nmetadata: {name: second}\n");
            File.WriteAllText(Path.Combine(dir, "a.json"), """{"apiVersion":"v1","kind":"Service","metadata":{"name":"first"}}""");
            File.WriteAllText(Path.Combine(dir, ".hidden.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: hidden}\n");
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not yaml: [");
            var content = ManifestLoader.Load(dir);
            Assert.Equal(["first", "second"], content.Services.Select(s => s.Metadata.Name));
            Assert.Equal(2, content.Files.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadSnapshot_SameAsLoadThenToSnapshot()
    {
        var path = Path.Combine(RepoRoot(), "examples", "cluster.yaml");
        var streamed = ManifestLoader.LoadSnapshot(path, 7);
        var typed = ManifestLoader.Load(path).ToSnapshot(7);
        Assert.Equal(typed.Services.Select(s => s.Namespace + "/" + s.Name), streamed.Services.Select(s => s.Namespace + "/" + s.Name));
        Assert.Equal(typed.Slices.Count, streamed.Slices.Count);
        Assert.Equal(typed.Pods.Count, streamed.Pods.Count);
        Assert.Equal(typed.Namespaces.Select(n => n.Name).Order(), streamed.Namespaces.Select(n => n.Name).Order());
        Assert.True(streamed.Synced);
    }

    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]}""")]
    [InlineData("""[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]""")]
    [InlineData("{apiVersion: v1, kind: Service, metadata: {name: a}}")]
    [InlineData("apiVersion: v1\nkind: Service\nspec: {selector: &sel {app: a}}\nmetadata:\n  labels: *sel\n  <<: {name: a}\n")]
    public void LoadText_JsonArraysFlowYamlAndMergeKeys_Understood(string text)
    {
        var svc = Assert.Single(ManifestLoader.LoadText(text, "x").Services);
        Assert.Equal("a", svc.Metadata.Name);
    }

    [Fact]
    public void Load_BadJsonFile_ErrorNamesFileAndLine()
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        File.WriteAllText(file, "{\n  \"apiVersion\": \"v1\",\n  oops\n}");
        try
        {
            var e = Assert.Throws<ManifestException>(() => ManifestLoader.Load(file));
            Assert.StartsWith(file + ": line 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Load_MissingPath_ManifestException()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestLoader.Load("/nonexistent/cluster.yaml"));
        Assert.Contains("/nonexistent/cluster.yaml", e.Message, StringComparison.Ordinal);
    }
}
