using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Sources;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.EnvInjector.Tests;

/// <summary>Runs the CLI in-process against a given source, capturing output.</summary>
internal sealed class CliHarness
{
    private readonly IClusterAccess _access;

    public CliHarness(StaticClusterSource source) => _access = new StaticAccess(source);

    public CliHarness(IClusterAccess access) => _access = access;

    /// <summary>The production access, logging to <paramref name="log"/> when given.</summary>
    public static CliHarness Real(ILoggerFactory? loggerFactory = null) =>
        new(new ClusterAccess(loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => await RunAsync(args, null, default);

    public async Task<(int Code, string Out, string Err)> RunAsync(string[] args, Action<int>? webhookStarted, CancellationToken cancellationToken)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var ctx = new CliContext
        {
            Out = o,
            Error = e,
            Access = _access,
            WebhookStarted = webhookStarted,
        };
        var code = await CliRunner.RunAsync(args, ctx, cancellationToken);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Serves a <see cref="StaticClusterSource"/> for both the one-shot and the following paths.</summary>
    private sealed class StaticAccess(StaticClusterSource source) : IClusterAccess
    {
        public Task<ClusterSnapshot> LoadOnceAsync(SourceOptions options, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(source.Current);

        public IClusterSource CreateSource(SourceOptions options) => source;
    }
}
