using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Sources;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

/// <summary>Runs the CLI in-process against a given source, capturing output.</summary>
internal sealed class CliHarness
{
    private readonly Func<SourceOptions, IClusterSource> _factory;

    public CliHarness(IClusterSource source) => _factory = _ => source;

    public CliHarness(Func<SourceOptions, IClusterSource> factory) => _factory = factory;

    public SourceOptions? LastOptions { get; private set; }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => await RunAsync(args, null, default);

    public async Task<(int Code, string Out, string Err)> RunAsync(string[] args, Action<int>? webhookStarted, CancellationToken cancellationToken)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var ctx = new CliContext
        {
            Out = o,
            Error = e,
            SourceFactory = opts =>
            {
                LastOptions = opts;
                return _factory(opts);
            },
            WebhookStarted = webhookStarted,
        };
        var code = await CliRunner.RunAsync(args, ctx, cancellationToken);
        return (code, o.ToString(), e.ToString());
    }
}
