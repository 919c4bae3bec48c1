using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Server.Hosting;

/// <summary>How to build a server from a Corefile.</summary>
public sealed class DnsServerOptions
{
    private TextWriter? _output;

    /// <summary>Port for keys without one (<c>-dns.port</c>).</summary>
    public int DefaultPort { get; init; } = 53;

    /// <summary>UDP worker threads (one socket each).</summary>
    public int UdpWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Metrics registry.</summary>
    public MetricsRegistry Metrics { get; init; } = MetricsRegistry.Default;

    /// <summary>Clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Directives available.</summary>
    public PluginRegistry Registry { get; init; } = BuiltinPlugins.Create();

    /// <summary>
    /// Once the server is up (plugins started, data loaded, listeners bound), run one compacting collection that returns
    /// free memory to the system: loading a cluster leaves tens of MB of garbage-collected heap committed that a
    /// long-running server would otherwise keep resident. The process (not a test host) turns it on.
    /// </summary>
    public bool TrimMemoryAfterStart { get; init; }

    /// <summary>
    /// Bytes allocated after which the server runs a young collection itself (<see cref="AllocationGovernor"/>); 0 leaves
    /// it to the runtime. The process sets 4 MB (a steady 1,000-service
    /// cluster under mixed UDP and TCP load stays at ~90 MiB instead of growing to ~165); a test host leaves it off.
    /// </summary>
    public long YoungGenerationBudget { get; init; }

    /// <summary>Suppress the start-up banner (<c>-quiet</c>).</summary>
    public bool Quiet { get; init; } = true;

    /// <summary>Where the banner goes (the console when not set).</summary>
    public TextWriter Output
    {
        get => _output ??= Console.Out;
        init => _output = value;
    }

    /// <summary>
    /// After a reload, how long the replaced configuration's plugins stay up before their stop hooks run, so queries
    /// already inside the old chains (a forward waiting on its upstream) finish on live plugins.
    /// </summary>
    public TimeSpan ReloadGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What a fatal plugin error does (CoreDNS's <c>log.Fatal</c>: exit 1); tests replace it.</summary>
    public Action<int> FatalExit { get; init; } = Environment.Exit;
}
