using System.Net.Sockets;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Ready;

/// <summary>Serves <c>GET /ready</c>: 200 "OK", or 503 with the plugins not ready, or 503 "Shutting down".</summary>
internal sealed partial class ReadyEndpoint
{
    private readonly ReadyOptions _options;
    private readonly ReadinessTracker _tracker;
    private readonly ILogger _log;
    private HttpLease? _lease;

    public ReadyEndpoint(ReadyOptions options, ReadinessTracker tracker, ILoggerFactory loggerFactory)
    {
        _options = options;
        _tracker = tracker;
        _log = loggerFactory.CreateLogger("plugin/ready");
    }

    public void Start(ServerProcess process)
    {
        try
        {
            _lease = process.Http.Lease(_options.Address, "/ready", () => Answer(process));
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new InvalidOperationException($"plugin/ready: listen tcp {_options.Address}: {e.Message}", e);
        }
    }

    public void Stop() => _lease?.Dispose();

    private HttpResponse Answer(ServerProcess process)
    {
        if (process.ShuttingDown)
        {
            return new HttpResponse(503, "Shutting down");
        }
        if (_tracker.Check(out var notReady))
        {
            return new HttpResponse(200, "OK");
        }
        LogNotReady(_log, notReady);
        return new HttpResponse(503, notReady);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugins not ready: \"{Plugins}\"")]
    private static partial void LogNotReady(ILogger logger, string plugins);
}
