using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Output;

namespace Dns.EnvInjector.Tests;

public sealed class CliParserTests
{
    [Fact]
    public void Parse_PrintDefaults_DefaultNamespaceEnvFormatInCluster()
    {
        var o = CliParser.Parse(["print"]);

        Assert.Equal("default", o.Namespace);
        Assert.Equal(OutputFormat.Env, o.Format);
        Assert.Null(o.EnableServiceLinks);
        Assert.Equal(new Sources.SourceOptions(null, null, null, null), o.Source);
        Assert.Equal("in-cluster configuration", o.Source.Describe());
    }

    [Fact]
    public void Parse_PrintAllOptions_AreRead()
    {
        var o = CliParser.Parse(["print", "-n", "app", "--kubeconfig=/k", "--context", "c1", "--enable-service-links", "false", "-o", "yaml", "--timeout", "2.5"]);

        Assert.Equal("app", o.Namespace);
        Assert.Equal("/k", o.Kubeconfig);
        Assert.Equal("c1", o.Context);
        Assert.False(o.EnableServiceLinks);
        Assert.Equal(OutputFormat.Yaml, o.Format);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.Timeout);
    }

    [Fact]
    public void Parse_EnableServiceLinksWithoutValue_MeansTrue()
    {
        var o = CliParser.Parse(["print", "--enable-service-links", "--namespace", "x"]);

        Assert.True(o.EnableServiceLinks);
        Assert.Equal("x", o.Namespace);
    }

    [Fact]
    public void Parse_Exec_TakesCommandAfterSeparator()
    {
        var o = CliParser.Parse(["exec", "--manifests", "m.yaml", "--watch", "--", "sh", "-c", "echo --namespace"]);

        Assert.True(o.Watch);
        Assert.Equal("m.yaml", o.Manifests);
        Assert.Equal(["sh", "-c", "echo --namespace"], o.CommandLine);
    }

    [Fact]
    public void Parse_ExecWithoutSeparator_TakesFirstNonOption()
    {
        var o = CliParser.Parse(["exec", "-n", "a", "env", "-0"]);

        Assert.Equal(["env", "-0"], o.CommandLine);
    }

    [Fact]
    public void Parse_Webhook_ReadsTlsAndSelector()
    {
        var o = CliParser.Parse(["webhook", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--listen", "127.0.0.1:0", "--label-selector", "team=a"]);

        Assert.Equal("c.pem", o.TlsCert);
        Assert.Equal("k.pem", o.TlsKey);
        Assert.Equal("127.0.0.1:0", o.Listen);
        Assert.Equal("team=a", o.LabelSelector);
    }

    [Theory]
    [InlineData("", "missing command")]
    [InlineData("list", "unknown command \"list\"")]
    [InlineData("print --bogus", "unknown option --bogus")]
    [InlineData("print --namespace", "option --namespace needs a value")]
    [InlineData("print extra", "unexpected argument \"extra\"")]
    [InlineData("print --format xml", "invalid --format \"xml\"")]
    [InlineData("print --enable-service-links=maybe", "invalid --enable-service-links \"maybe\"")]
    [InlineData("print --timeout 0", "invalid --timeout")]
    [InlineData("print --manifests a --server https://x", "mutually exclusive")]
    [InlineData("print --kubeconfig k --server https://x", "mutually exclusive")]
    [InlineData("print --context c", "--context needs --kubeconfig")]
    [InlineData("print --watch", "--watch applies to exec only")]
    [InlineData("print -- x", "unexpected \"--\"")]
    [InlineData("exec --format json -- env", "--format applies to print only")]
    [InlineData("exec --namespace a", "exec needs a command")]
    [InlineData("exec --", "exec needs a command")]
    [InlineData("webhook --tls-cert c", "webhook needs --tls-cert and --tls-key")]
    [InlineData("print --tls-key k", "apply to webhook only")]
    [InlineData("print --namespace=", "--namespace must not be empty")]
    public void Parse_BadArguments_UsageError(string args, string fragment)
    {
        var e = Assert.Throws<CliException>(() => CliParser.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Equal(2, e.ExitCode);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains("Usage:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_PrintsUsageExitZero()
    {
        var (code, output, _) = await new CliHarness(new StaticClusterSource([])).RunAsync("print", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage: Dns.EnvInjector", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UsageError_ExitTwoOnStderr()
    {
        var (code, output, error) = await new CliHarness(new StaticClusterSource([])).RunAsync("frobnicate");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("Dns.EnvInjector: error: unknown command", error, StringComparison.Ordinal);
    }
}
