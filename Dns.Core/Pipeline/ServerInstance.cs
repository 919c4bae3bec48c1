using Dns.Core.Metrics;
using Microsoft.Extensions.Logging;

namespace Dns.Core.Pipeline;

/// <summary>
/// Everything shared by the server blocks of one loaded Corefile: hooks run at start and stop, readiness checks,
/// and the resolver that sends a query through the whole server. A reload builds a new instance.
/// </summary>
public sealed class ServerInstance
{
    private readonly List<Func<CancellationToken, Task>> _startup = [];
    private readonly List<Func<CancellationToken, Task>> _shutdown = [];
    private readonly List<IReadinessCheck> _readiness = [];

    /// <summary>Creates an instance.</summary>
    public ServerInstance(ILoggerFactory loggerFactory, MetricsRegistry metrics, TimeProvider time, string configFile, int defaultPort)
    {
        LoggerFactory = loggerFactory;
        Metrics = metrics;
        Time = time;
        ConfigFile = configFile;
        DefaultPort = defaultPort;
    }

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The process's metrics.</summary>
    public MetricsRegistry Metrics { get; }

    /// <summary>Clock for TTLs and expiry.</summary>
    public TimeProvider Time { get; }

    /// <summary>Path of the Corefile (or <c>stdin</c>).</summary>
    public string ConfigFile { get; }

    /// <summary>The <c>-dns.port</c> value.</summary>
    public int DefaultPort { get; }

    /// <summary>Contents of the Corefile, for <c>reload</c>'s checksum.</summary>
    public string ConfigText { get; set; } = "";

    /// <summary>Sends a query through the whole server; set by the host before start.</summary>
    public IDnsResolver? Resolver { get; set; }

    /// <summary>Values shared across the blocks of this instance (one <c>health</c> listener per address, ...).</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Readiness checks registered by plugins.</summary>
    public IReadOnlyList<IReadinessCheck> ReadinessChecks => _readiness;

    /// <summary>Start hooks, run before the listeners open.</summary>
    public IReadOnlyList<Func<CancellationToken, Task>> StartupHooks => _startup;

    /// <summary>Stop hooks, run after the listeners close.</summary>
    public IReadOnlyList<Func<CancellationToken, Task>> ShutdownHooks => _shutdown;

    /// <summary>Adds a start hook.</summary>
    public void OnStartup(Func<CancellationToken, Task> hook) => _startup.Add(hook);

    /// <summary>Adds a stop hook.</summary>
    public void OnShutdown(Func<CancellationToken, Task> hook) => _shutdown.Add(hook);

    /// <summary>Adds a readiness check.</summary>
    public void AddReadinessCheck(IReadinessCheck check) => _readiness.Add(check);
}
