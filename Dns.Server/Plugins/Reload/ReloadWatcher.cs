using System.Security.Cryptography;
using System.Text;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Reload;

/// <summary>
/// Every interval re-reads the Corefile; when its SHA-512 differs from the running one (and from the last one that
/// failed: CoreDNS does not retry the same broken file) it asks the host to reload. A failed reload keeps the old
/// configuration, logs the error and counts it.
/// </summary>
internal sealed partial class ReloadWatcher
{
    private const string VersionKey = "reload.version";

    private readonly ReloadOptions _options;
    private readonly ILogger _log;

    public ReloadWatcher(ReloadOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _log = loggerFactory.CreateLogger("plugin/reload");
    }

    /// <summary>The period in use (interval with jitter), once started.</summary>
    public TimeSpan Period { get; private set; }

    public static string Hash(string corefile) => Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(corefile)));

    public void Start(ServerProcess process, ServerGeneration generation)
    {
        var metrics = new ReloadMetrics(process.Options.Metrics);
        var hash = Hash(generation.Instance.ConfigText);
        LogRunning(_log, hash);
        string[] labels = ["sha512", hash];
        if (process.Items.TryGetValue(VersionKey, out var old) && old is string[] oldLabels)
        {
            metrics.VersionInfo.Remove(oldLabels);
        }
        metrics.VersionInfo.WithLabels(labels).Set(1);
        process.Items[VersionKey] = labels;
        Period = _options.Pick(Random.Shared);
        _ = WatchAsync(process, generation, hash, metrics);
    }

    private async Task WatchAsync(ServerProcess process, ServerGeneration generation, string running, ReloadMetrics metrics)
    {
        var file = generation.Instance.ConfigFile;
        var seen = running;
        var ct = generation.Retired;
        try
        {
            using var timer = new PeriodicTimer(Period, process.Options.Time);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                string text;
                try
                {
                    text = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                var hash = Hash(text);
                if (hash == seen)
                {
                    continue;
                }
                // Do not try the same file again, even though it is wrong.
                seen = hash;
                try
                {
                    await process.Host!.ReloadAsync(text, ct).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    metrics.Failed.Inc();
                    LogFailed(_log, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // This configuration was replaced or stopped.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running configuration SHA512 = {Hash}")]
    private static partial void LogRunning(ILogger logger, string hash);

    [LoggerMessage(Level = LogLevel.Error, Message = "Corefile changed but reload failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
