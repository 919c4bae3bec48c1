using System.Text.Json;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

public sealed class PrintCommandTests
{
    private static ServiceInfo[] Cluster() =>
    [
        Svc.Build("kubernetes", "default", "10.96.0.1", ("https", 443, "TCP")),
        Svc.Build("web", "app", "10.0.0.5", ("http", 80, "TCP")),
        Svc.Build("db", "app", "None", ("", 5432, "TCP")),
        Svc.Build("other", "elsewhere", "10.0.0.9", ("", 1, "TCP")),
    ];

    [Fact]
    public async Task Print_Namespace_WritesSortedEnvLines()
    {
        var source = new StaticClusterSource(Cluster());

        var (code, output, error) = await new CliHarness(source).RunAsync("print", "--namespace", "app");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Equal(
            """
            KUBERNETES_PORT=tcp://10.96.0.1:443
            KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443
            KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1
            KUBERNETES_PORT_443_TCP_PORT=443
            KUBERNETES_PORT_443_TCP_PROTO=tcp
            KUBERNETES_SERVICE_HOST=10.96.0.1
            KUBERNETES_SERVICE_PORT=443
            KUBERNETES_SERVICE_PORT_HTTPS=443
            WEB_PORT=tcp://10.0.0.5:80
            WEB_PORT_80_TCP=tcp://10.0.0.5:80
            WEB_PORT_80_TCP_ADDR=10.0.0.5
            WEB_PORT_80_TCP_PORT=80
            WEB_PORT_80_TCP_PROTO=tcp
            WEB_SERVICE_HOST=10.0.0.5
            WEB_SERVICE_PORT=80
            WEB_SERVICE_PORT_HTTP=80

            """.Replace("\r", "", StringComparison.Ordinal),
            output);
    }

    [Fact]
    public async Task Print_LinksFalse_OnlyMasterService()
    {
        var (code, output, _) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("print", "-n", "app", "--enable-service-links=false", "-o", "json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.All(doc.RootElement.EnumerateObject(), p => Assert.StartsWith("KUBERNETES_", p.Name, StringComparison.Ordinal));
        Assert.Equal(8, doc.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task Print_DefaultNamespace_IsDefault()
    {
        var (code, output, error) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("print", "-o", "shell");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("export KUBERNETES_SERVICE_HOST='10.96.0.1'\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WEB_", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_MissingNamespace_WarnsAndGivesMasterOnly()
    {
        var (code, output, error) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("print", "-n", "nope");

        Assert.Equal(0, code);
        Assert.Contains("warning: namespace \"nope\" not found in in-cluster configuration", error, StringComparison.Ordinal);
        Assert.Equal(8, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("KUBERNETES_", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_NamespaceObjectWithoutServices_NoWarning()
    {
        var source = new StaticClusterSource(Cluster(), [new NamespaceInfo { Name = "empty" }]);

        var (code, _, error) = await new CliHarness(source).RunAsync("print", "-n", "empty");

        Assert.Equal(0, code);
        Assert.Empty(error);
    }
}
