namespace Dns.EnvInjector.Tests;

public sealed class WebhookCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-wcmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--listen", "8443", "invalid --listen \"8443\": expected [HOST]:PORT")]
    [InlineData("--listen", "host:8443", "\"host\" is not an IP address")]
    [InlineData("--listen", ":99999", "bad port")]
    [InlineData("--label-selector", "a=b,,c", "label selector \"a=b,,c\": expected a label key")]
    [InlineData("--label-selector", "a in b", "expected (")]
    public async Task Webhook_BadOption_UsageError(string option, string value, string fragment)
    {
        var (cert, key, _) = TestCertificate.Write(_dir);

        var (code, _, error) = await new CliHarness(new StaticClusterSource([])).RunAsync("webhook", "--tls-cert", cert, "--tls-key", key, option, value);

        Assert.Equal(2, code);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_MissingKeyFile_ErrorNamesFiles()
    {
        var (cert, _, _) = TestCertificate.Write(_dir);
        var key = Path.Combine(_dir, "missing.key");

        var (code, _, error) = await new CliHarness(new StaticClusterSource([])).RunAsync("webhook", "--tls-cert", cert, "--tls-key", key);

        Assert.Equal(1, code);
        Assert.StartsWith("Dns.EnvInjector: error: cannot load --tls-cert " + cert + " / --tls-key " + key + ": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_KeyDoesNotMatch_Error()
    {
        var (cert, _, _) = TestCertificate.Write(_dir, "a");
        var (_, otherKey, _) = TestCertificate.Write(_dir, "b");

        var (code, _, error) = await new CliHarness(new StaticClusterSource([])).RunAsync("webhook", "--tls-cert", cert, "--tls-key", otherKey);

        Assert.Equal(1, code);
        Assert.Contains("cannot load --tls-cert", error, StringComparison.Ordinal);
    }
}
