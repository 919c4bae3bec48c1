using System.Text.Json;
using Dns.EnvInjector.Output;
using Dns.EnvInjector.Rules;
using k8s;
using k8s.Models;

namespace Dns.EnvInjector.Tests;

public sealed class EnvFormatterTests
{
    private static readonly EnvVar[] Sample =
    [
        new("KUBERNETES_PORT", "tcp://10.96.0.1:443"),
        new("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
        new("KUBERNETES_SERVICE_PORT", "443"),
    ];

    /// <summary>Values no service produces, to prove the quoting holds for anything.</summary>
    private static readonly EnvVar[] Hostile =
    [
        new("V_QUOTE", "it's"),
        new("V_DOLLAR", "$HOME ${PATH} $(id)"),
        new("V_BACKTICK", "`id`"),
        new("V_NEWLINE", "a\nb"),
        new("V_BACKSLASH", "back\\slash\\"),
        new("V_EMPTY", ""),
        new("V_SPACES", "  two  spaces  "),
        new("V_DOUBLE", "\"dq\" ; rm -rf /nonexistent"),
        new("V_QUOTES", "''\"'"),
        new("V_IPV6", "tcp://[fd00::1]:443"),
    ];

    [Fact]
    public void Format_Env_WritesNameEqualsValueLines()
    {
        var text = EnvFormatter.Format(Sample, OutputFormat.Env);

        Assert.Equal("KUBERNETES_PORT=tcp://10.96.0.1:443\nKUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\n", text);
    }

    [Fact]
    public void Format_Shell_WritesSingleQuotedExports()
    {
        var text = EnvFormatter.Format([new EnvVar("A", "it's"), .. Sample[..1]], OutputFormat.Shell);

        Assert.Equal("export A='it'\\''s'\nexport KUBERNETES_PORT='tcp://10.96.0.1:443'\n", text);
    }

    [Fact]
    public async Task Format_Shell_EvaluatedByShGivesExactValues()
    {
        var script = EnvFormatter.Format(Hostile, OutputFormat.Shell)
            + "printf '%s\\0' " + string.Join(' ', Hostile.Select(v => "\"$" + v.Name + "\"")) + "\n"
            + "env | grep -c '^V_' >&2\n";

        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/bin/sh", ["-c", script]);

        Assert.Equal(0, code);
        Assert.Equal(Hostile.Select(v => v.Value).ToArray(), stdout.Split('\0')[..^1]);
        Assert.Equal(Hostile.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), stderr.Trim());
    }

    [Fact]
    public void Format_ShellInvalidName_IsSkippedAndReported()
    {
        var skipped = new List<string>();

        var text = EnvFormatter.Format([new EnvVar("A.B_SERVICE_HOST", "1.2.3.4"), new EnvVar("1X", "y"), new EnvVar("OK", "z")], OutputFormat.Shell, skipped.Add);

        Assert.Equal("export OK='z'\n", text);
        Assert.Equal(["A.B_SERVICE_HOST", "1X"], skipped);
    }

    [Fact]
    public void Format_Json_IsOneObjectInOrder()
    {
        var text = EnvFormatter.Format([.. Sample, .. Hostile], OutputFormat.Json);

        using var doc = JsonDocument.Parse(text);
        var props = doc.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
        Assert.Equal([.. Sample, .. Hostile], props.Select(p => new EnvVar(p.Name, p.Item2!)).ToArray());
        Assert.Contains("\"KUBERNETES_PORT\": \"tcp://10.96.0.1:443\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_Yaml_IsContainerEnvList()
    {
        var text = EnvFormatter.Format(Sample, OutputFormat.Yaml);

        Assert.Equal(
            "env:\n"
            + "- name: \"KUBERNETES_PORT\"\n  value: \"tcp://10.96.0.1:443\"\n"
            + "- name: \"KUBERNETES_SERVICE_HOST\"\n  value: \"10.96.0.1\"\n"
            + "- name: \"KUBERNETES_SERVICE_PORT\"\n  value: \"443\"\n",
            text);
    }

    [Fact]
    public void Format_Yaml_ParsesAsKubernetesContainer()
    {
        var text = "name: app\nimage: busybox\n" + EnvFormatter.Format([.. Sample, .. Hostile], OutputFormat.Yaml);

        var container = KubernetesYaml.Deserialize<V1Container>(text);

        Assert.Equal([.. Sample, .. Hostile], container.Env.Select(e => new EnvVar(e.Name, e.Value ?? "")).ToArray());
    }

    [Theory]
    [InlineData("env", "Env")]
    [InlineData("dotenv", "Env")]
    [InlineData("SHELL", "Shell")]
    [InlineData("json", "Json")]
    [InlineData("yaml", "Yaml")]
    [InlineData("yml", "Yaml")]
    public void TryParse_KnownNames_Parse(string text, string expected)
    {
        Assert.True(EnvFormatter.TryParse(text, out var format));
        Assert.Equal(Enum.Parse<OutputFormat>(expected), format);
    }

    [Fact]
    public void TryParse_Unknown_Fails() => Assert.False(EnvFormatter.TryParse("xml", out _));
}
