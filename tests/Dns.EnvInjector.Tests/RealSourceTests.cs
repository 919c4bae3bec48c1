using System.Net;
using System.Net.Sockets;
using Dns.Testing.FakeKubeApi;
using k8s.Models;

namespace Dns.EnvInjector.Tests;

/// <summary><c>print</c> through the production sources: manifest files and a (fake) API server over HTTP.</summary>
public sealed class RealSourceTests : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "data");
    private static readonly string ClusterYaml = Path.Combine(DataDir, "cluster.yaml");
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-src-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal const string AppNamespaceEnv = """
        API_PORT=tcp://10.96.10.21:8080
        API_PORT_8080_TCP=tcp://10.96.10.21:8080
        API_PORT_8080_TCP_ADDR=10.96.10.21
        API_PORT_8080_TCP_PORT=8080
        API_PORT_8080_TCP_PROTO=tcp
        API_SERVICE_HOST=10.96.10.21
        API_SERVICE_PORT=8080
        KUBERNETES_PORT=tcp://10.96.0.1:443
        KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443
        KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1
        KUBERNETES_PORT_443_TCP_PORT=443
        KUBERNETES_PORT_443_TCP_PROTO=tcp
        KUBERNETES_SERVICE_HOST=10.96.0.1
        KUBERNETES_SERVICE_PORT=443
        KUBERNETES_SERVICE_PORT_HTTPS=443
        V6_PORT=tcp://[fd00:10:96::a]:9090
        V6_PORT_9090_TCP=tcp://[fd00:10:96::a]:9090
        V6_PORT_9090_TCP_ADDR=fd00:10:96::a
        V6_PORT_9090_TCP_PORT=9090
        V6_PORT_9090_TCP_PROTO=tcp
        V6_SERVICE_HOST=fd00:10:96::a
        V6_SERVICE_PORT=9090
        V6_SERVICE_PORT_GRPC=9090
        WEB_FRONTEND_PORT=tcp://10.96.10.20:80
        WEB_FRONTEND_PORT_443_TCP=tcp://10.96.10.20:443
        WEB_FRONTEND_PORT_443_TCP_ADDR=10.96.10.20
        WEB_FRONTEND_PORT_443_TCP_PORT=443
        WEB_FRONTEND_PORT_443_TCP_PROTO=tcp
        WEB_FRONTEND_PORT_80_TCP=tcp://10.96.10.20:80
        WEB_FRONTEND_PORT_80_TCP_ADDR=10.96.10.20
        WEB_FRONTEND_PORT_80_TCP_PORT=80
        WEB_FRONTEND_PORT_80_TCP_PROTO=tcp
        WEB_FRONTEND_SERVICE_HOST=10.96.10.20
        WEB_FRONTEND_SERVICE_PORT=80
        WEB_FRONTEND_SERVICE_PORT_HTTP=80
        WEB_FRONTEND_SERVICE_PORT_HTTPS=443

        """;

    [Theory]
    [InlineData("file")]
    [InlineData("directory")]
    public async Task Print_Manifests_MatchesGolden(string kind)
    {
        var path = kind == "file" ? ClusterYaml : DataDir;

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--manifests", path, "--namespace", "app");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Equal(AppNamespaceEnv.Replace("\r", "", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Print_ManifestsDeclaredEmptyNamespace_MasterOnlyNoWarning()
    {
        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--manifests", ClusterYaml, "-n", "quiet");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Equal(8, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Print_ManifestsMissing_ErrorNamesPath()
    {
        var missing = Path.Combine(_dir, "nope.yaml");

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--manifests", missing);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal("Dns.EnvInjector: error: cannot load manifests: " + missing + ": no such file or directory\n", error);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\nspec:\n  ports:\n  - port: abc\n", "Service \"broken\"")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n", "metadata.name is required")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a\n", "line ")]
    [InlineData("- just\n- a list\n", "must be a Kubernetes object")]
    public async Task Print_InvalidManifest_ErrorNamesFileAndObject(string yaml, string fragment)
    {
        var file = Path.Combine(_dir, "bad.yaml");
        await File.WriteAllTextAsync(file, yaml);

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--manifests", file);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("Dns.EnvInjector: error: cannot load manifests: " + file + ": ", error, StringComparison.Ordinal);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_FakeApiServer_ListsServices()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("default"));
        api.Add(Namespace("app"));
        api.Add(Service("default", "kubernetes", "10.96.0.1", ("https", 443, "TCP")));
        api.Add(Service("app", "web", "10.0.0.5", ("http", 80, "TCP")));
        api.Add(Service("app", "kubernetes", "10.0.0.99", ("", 8443, "TCP")));
        api.Add(Service("other", "web", "10.9.9.9", ("", 1, "TCP")));

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--server", api.Url, "-n", "app", "-o", "json");

        Assert.Equal(0, code);
        Assert.Empty(error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        // A "kubernetes" service in the pod's namespace overrides the master one (links on).
        Assert.Equal("10.0.0.99", root.GetProperty("KUBERNETES_SERVICE_HOST").GetString());
        Assert.Equal("10.0.0.5", root.GetProperty("WEB_SERVICE_HOST").GetString());
        Assert.Equal("80", root.GetProperty("WEB_SERVICE_PORT_HTTP").GetString());
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/services", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.Contains("endpointslices", StringComparison.Ordinal) || r.Contains("/pods", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_FakeApiServerUnknownNamespace_WarnsMasterOnly()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("default"));
        api.Add(Service("default", "kubernetes", "10.96.0.1", ("https", 443, "TCP")));

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--server", api.Url, "-n", "ghost");

        Assert.Equal(0, code);
        Assert.Equal("Dns.EnvInjector: warning: namespace \"ghost\" not found in API server " + api.Url + "; only the master service (default/kubernetes) applies\n", error);
        Assert.Equal(8, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData(403, "answered 403 Forbidden (not allowed to list services and namespaces: check RBAC)")]
    [InlineData(401, "answered 401 Unauthorized (credentials rejected)")]
    [InlineData(500, "answered 500 Internal Server Error")]
    public async Task Print_ApiServerRefuses_ErrorGivesStatus(int status, string fragment)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Fail(status);

        var (code, _, error) = await CliHarness.Real().RunAsync("print", "--server", api.Url);

        Assert.Equal(1, code);
        Assert.Equal("Dns.EnvInjector: error: the Kubernetes API (API server " + api.Url + ") " + fragment + ": injected failure\n", error);
    }

    [Fact]
    public async Task Print_ApiServerDown_ErrorSaysUnreachable()
    {
        // A port that was just free: nothing listens there.
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var url = "http://127.0.0.1:" + port;

        var (code, _, error) = await CliHarness.Real().RunAsync("print", "--server", url);

        Assert.Equal(1, code);
        Assert.Equal("Dns.EnvInjector: error: cannot reach the Kubernetes API (API server " + url + "): Connection refused\n", error);
    }

    [Fact]
    public async Task Print_ApiServerSilent_TimesOut()
    {
        // Accepts connections and never answers.
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var url = "http://127.0.0.1:" + ((IPEndPoint)l.LocalEndpoint).Port;

        var (code, _, error) = await CliHarness.Real().RunAsync("print", "--server", url, "--timeout", "0.5");

        Assert.Equal(1, code);
        Assert.Equal("Dns.EnvInjector: error: cannot list services from API server " + url + ": no answer within 0.5s (is the cluster reachable?)\n", error);
    }

    [Fact]
    public async Task Print_KubeconfigMissing_ErrorNamesFile()
    {
        var file = Path.Combine(_dir, "kubeconfig");

        var (code, _, error) = await CliHarness.Real().RunAsync("print", "--kubeconfig", file);

        Assert.Equal(1, code);
        Assert.StartsWith("Dns.EnvInjector: error: cannot list services from kubeconfig " + file + ": ", error, StringComparison.Ordinal);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_KubeconfigContext_UsesThatCluster()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Service("default", "kubernetes", "10.96.0.77", ("https", 443, "TCP")));
        var file = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(file, $$"""
            apiVersion: v1
            kind: Config
            current-context: wrong
            clusters:
            - name: fake
              cluster:
                server: {{api.Url}}
            - name: nowhere
              cluster:
                server: http://127.0.0.1:1
            contexts:
            - name: right
              context: {cluster: fake, user: u}
            - name: wrong
              context: {cluster: nowhere, user: u}
            users:
            - name: u
              user: {token: t}
            """);

        var (code, output, error) = await CliHarness.Real().RunAsync("print", "--kubeconfig", file, "--context", "right");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.0.77\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_NoSourceOutsideCluster_ErrorSuggestsOptions()
    {
        if (k8s.KubernetesClientConfiguration.IsInCluster())
        {
            // Inside a pod the default source is valid; this case cannot happen there.
            return;
        }

        var (code, _, error) = await CliHarness.Real().RunAsync("print");

        Assert.Equal(1, code);
        Assert.Equal("Dns.EnvInjector: error: no source: not running in a Kubernetes pod (no service account); use --manifests, --kubeconfig or --server\n", error);
    }

    internal static V1Namespace Namespace(string name, IDictionary<string, string>? labels = null) =>
        new() { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = name, Labels = labels } };

    internal static V1Service Service(string ns, string name, string clusterIP, params (string Name, int Port, string Protocol)[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIP,
            ClusterIPs = [clusterIP],
            Ports = [.. ports.Select(p => new V1ServicePort { Name = p.Name.Length == 0 ? null : p.Name, Port = p.Port, Protocol = p.Protocol })],
        },
    };
}
