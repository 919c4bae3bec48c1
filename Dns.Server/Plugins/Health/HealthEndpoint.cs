using Dns.Core.Corefile;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Health;

/// <summary>
/// Serves <c>GET /health</c> ("OK", always: CoreDNS is healthy while it runs) and polls itself every second to
/// export how long a local request takes (CoreDNS's <c>overloaded</c>).
/// </summary>
internal sealed partial class HealthEndpoint
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(3);

    private readonly HealthOptions _options;
    private readonly ILogger _log;
    private HttpLease? _lease;
    private CancellationTokenSource? _poll;

    public HealthEndpoint(HealthOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _log = loggerFactory.CreateLogger("plugin/health");
    }

    /// <summary>The bound port once started.</summary>
    public int Port => _lease?.Port ?? 0;

    public void Start(ServerProcess process, ServerGeneration generation)
    {
        generation.AddLameduck(_options.Lameduck);
        try
        {
            _lease = process.Http.Lease(_options.Address, "/health", static () => new HttpResponse(200, "OK"));
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new InvalidOperationException($"plugin/health: listen tcp {_options.Address}: {e.Message}", e);
        }
        var metrics = new HealthMetrics(process.Options.Metrics);
        _poll = new CancellationTokenSource();
        _ = PollAsync(metrics, _poll.Token);
    }

    public void Stop()
    {
        _poll?.Cancel();
        _lease?.Dispose();
    }

    private async Task PollAsync(HealthMetrics metrics, CancellationToken ct)
    {
        var ep = HttpAddress.Resolve(_options.Address);
        var host = ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : ep.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + ep.Address + "]" : ep.Address.ToString();
        var url = "http://" + host + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/health";
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = PollTimeout };
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var resp = await client.GetAsync(url, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    metrics.Duration.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    metrics.Failures.Inc();
                    LogPollFailed(_log, url, e.Message);
                    continue;
                }
                var elapsed = Stopwatch.GetElapsedTime(start);
                metrics.Duration.Observe(elapsed.TotalSeconds);
                if (elapsed > TimeSpan.FromSeconds(1))
                {
                    LogPollSlow(_log, url, GoDuration.Format(elapsed));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local health request to \"{Url}\" failed: {Error}")]
    private static partial void LogPollFailed(ILogger logger, string url, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local health request to \"{Url}\" took more than 1s: {Elapsed}")]
    private static partial void LogPollSlow(ILogger logger, string url, string elapsed);
}
