using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Transport;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// A server built from a Corefile: every block set up in plugin order, blocks grouped into listeners by port and
/// bind addresses, each listener with its zone router, UDP and TCP on IPv4 and IPv6. <see cref="ReloadAsync"/>
/// swaps in a new Corefile without closing the ports it keeps; <see cref="StopAsync"/> honours <c>health</c>'s
/// lameduck.
/// </summary>
public sealed partial class DnsServerHost : IAsyncDisposable
{
    /// <summary>CoreDNS release whose behaviour this server matches.</summary>
    public const string CompatibleVersion = "1.14.7";

    private readonly DnsServerOptions _options;
    private readonly ServerProcess _process;
    private readonly ILogger _log;
    private readonly ILogger _healthLog;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<ListenerSet> _listeners = [];
    private AllocationGovernor? _governor;
    private BenchStats? _stats;
    private List<string[]> _pluginsEnabled = [];
    private ServerGeneration _current;
    private bool _started;
    private bool _stopped;

    private DnsServerHost(DnsServerOptions options, ServerProcess process, ServerGeneration generation)
    {
        _options = options;
        _process = process;
        _current = generation;
        _log = options.LoggerFactory.CreateLogger("");
        _healthLog = options.LoggerFactory.CreateLogger("plugin/health");
    }

    /// <summary>Shared state of the running Corefile (changes on reload).</summary>
    public ServerInstance Instance => _current.Instance;

    internal IReadOnlyList<ServerBlockRuntime> Blocks => _current.Blocks;

    /// <summary>The bound ports, one per listener group, in Corefile order (after start).</summary>
    public IReadOnlyList<int> Ports
    {
        get
        {
            var ports = new List<int>();
            foreach (var g in _current.Groups)
            {
                ports.Add(g.BoundPort);
            }
            return ports;
        }
    }

    /// <summary>The first listener's port (after start).</summary>
    public int Port => _current.Groups.Count > 0 ? _current.Groups[0].BoundPort : 0;

    /// <summary>The HTTP listeners of <c>health</c>, <c>ready</c> and <c>prometheus</c>: configured address to bound port.</summary>
    public IReadOnlyDictionary<string, int> HttpPorts => _process.Http.Ports;

    /// <summary>Parses and sets up a Corefile; throws <see cref="CorefileException"/> on any configuration error.</summary>
    public static DnsServerHost Create(string corefile, string fileName, DnsServerOptions options)
    {
        var process = new ServerProcess(options);
        var generation = ServerGeneration.Build(corefile, fileName, options, process);
        var host = new DnsServerHost(options, process, generation);
        process.Host = host;
        return host;
    }

    /// <summary>Runs start hooks, then binds and starts every listener.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }
            _started = true;
            foreach (var hook in _current.Instance.StartupHooks)
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }
            var sets = new List<ListenerSet>();
            try
            {
                foreach (var g in _current.Groups)
                {
                    var set = Bind(g);
                    sets.Add(set);
                    set.Slot.Handler = g.Handler!;
                    g.BoundPort = set.BoundPort;
                }
            }
            catch
            {
                foreach (var s in sets)
                {
                    s.Dispose();
                }
                throw;
            }
            foreach (var s in sets)
            {
                s.Start();
            }
            _listeners = sets;
            _pluginsEnabled = _current.PublishPluginsEnabled(_process.Metrics);
            _current.MarkListening();
        }
        finally
        {
            _gate.Release();
        }
        _stats ??= BenchStats.StartIfRequested(static () => Console.Error);
        if (_options.TrimMemoryAfterStart)
        {
            HeapTrim.Enable(TimeSpan.FromMilliseconds(500));
            TrimWhenReady(_current);
        }
        if (_options.YoungGenerationBudget > 0)
        {
            _governor = new AllocationGovernor(_options.YoungGenerationBudget, TimeSpan.FromMilliseconds(100));
        }
        if (!_options.Quiet)
        {
            foreach (var rt in _current.Blocks)
            {
                foreach (var a in rt.Block.Addresses)
                {
                    var g = _current.Groups.Find(x => x.Router.Serves(a.Zone) && x.ConfiguredPort == a.EffectivePort(_options.DefaultPort));
                    _options.Output.WriteLine($"{a.Zone}:{g?.BoundPort ?? a.EffectivePort(_options.DefaultPort)}");
                }
            }
            _options.Output.WriteLine("CoreDNS-" + CompatibleVersion);
            _options.Output.WriteLine($"linux/{(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "amd64" : System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())}, dotnet{Environment.Version}, Dns.Server");
            _options.Output.Flush();
        }
    }

    /// <summary>
    /// Once a configuration's start-up is over (its listeners up and every plugin that loads data, kubernetes' first
    /// list, ready; at most two minutes, and not once it is replaced or stopped), asks for a heap trim: the loading garbage (and, after a reload, the old
    /// configuration's data) is dead then. The trim runs half a second later and pauses every thread for some ms (30
    /// ms for 1,000 services), so clients waiting for the server to come up do not wait for it too.
    /// </summary>
    private static void TrimWhenReady(ServerGeneration generation)
    {
        var checks = new List<IReadinessCheck>();
        foreach (var b in generation.Blocks)
        {
            checks.AddRange(b.ReadinessChecks);
        }
        var retired = generation.Retired;
        _ = Task.Run(async () =>
        {
            try
            {
                for (var waited = 0; waited < 120_000 && !AllReady(checks); waited += 50)
                {
                    await Task.Delay(50, retired).ConfigureAwait(false);
                }
                HeapTrim.Request();
            }
            catch (OperationCanceledException)
            {
                // Replaced or stopped before it was ready: its successor asks when it is.
            }
        });
    }

    private static bool AllReady(List<IReadinessCheck> checks)
    {
        foreach (var c in checks)
        {
            if (!c.IsReady)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Loads <paramref name="corefile"/> (or re-reads the running Corefile's file) and switches to it. Listeners whose
    /// port and bind addresses stay get the new handler in place (no query dropped); new ones are bound before old ones
    /// close. On any error (parse, setup, start hook, bind) the running configuration stays and the error is thrown.
    /// </summary>
    public async Task ReloadAsync(string? corefile = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped || !_started)
            {
                throw new InvalidOperationException("server is not running");
            }
            var old = _current;
            var file = old.Instance.ConfigFile;
            corefile ??= await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            LogReloading(_log);
            var next = ServerGeneration.Build(corefile, file, _options, _process);
            try
            {
                foreach (var hook in next.Instance.StartupHooks)
                {
                    await hook(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                await RunShutdownHooksAsync(next).ConfigureAwait(false);
                throw;
            }

            var kept = new List<ListenerSet>();
            var added = new List<ListenerSet>();
            var plan = new List<(ListenerGroup Group, ListenerSet Set)>();
            try
            {
                foreach (var g in next.Groups)
                {
                    var existing = _listeners.Find(s => s.ConfiguredPort == g.ConfiguredPort && s.BindKey == g.BindKey && !kept.Contains(s));
                    if (existing is not null)
                    {
                        kept.Add(existing);
                        plan.Add((g, existing));
                    }
                    else
                    {
                        var set = Bind(g);
                        added.Add(set);
                        plan.Add((g, set));
                    }
                }
            }
            catch
            {
                foreach (var s in added)
                {
                    s.Dispose();
                }
                await RunShutdownHooksAsync(next).ConfigureAwait(false);
                throw;
            }

            // Commit: one reference write per kept listener, then the new sockets start and the dropped ones close.
            foreach (var (g, set) in plan)
            {
                set.Slot.Handler = g.Handler!;
                g.BoundPort = set.BoundPort;
            }
            foreach (var s in added)
            {
                s.Start();
            }
            foreach (var s in _listeners)
            {
                if (!kept.Contains(s))
                {
                    s.Dispose();
                }
            }
            _listeners = [.. kept, .. added];
            _current = next;
            foreach (var labels in _pluginsEnabled)
            {
                _process.Metrics.PluginEnabled.Remove(labels);
            }
            _pluginsEnabled = next.PublishPluginsEnabled(_process.Metrics);
            next.MarkListening();
            old.Retire();
            if (_options.ReloadGrace > TimeSpan.Zero)
            {
                await Task.Delay(_options.ReloadGrace, _options.Time, CancellationToken.None).ConfigureAwait(false);
            }
            await RunShutdownHooksAsync(old).ConfigureAwait(false);
            LogReloaded(_log);
            if (_options.TrimMemoryAfterStart)
            {
                TrimWhenReady(next);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private ListenerSet Bind(ListenerGroup g)
    {
        var addresses = g.Addresses ?? [SocketSetup.IPv6Available ? IPAddress.IPv6Any : IPAddress.Any];
        var port = g.ConfiguredPort;
        for (var attempt = 0; ; attempt++)
        {
            var set = new ListenerSet(g.ConfiguredPort, g.BindKey);
            var slot = set.Slot;
            try
            {
                foreach (var addr in addresses)
                {
                    var u = new UdpListener(new IPEndPoint(addr, port), _options.UdpWorkers, () => slot.Handler, _log);
                    set.Udp.Add(u);
                    u.Bind();
                    port = u.Port;
                    var t = new TcpListener(new IPEndPoint(addr, port), () => slot.Handler, _log);
                    set.Tcp.Add(t);
                    t.Bind();
                }
                set.BoundPort = port;
                return set;
            }
            catch (System.Net.Sockets.SocketException) when (g.ConfiguredPort == 0 && attempt < 20)
            {
                // Port 0: the UDP port the kernel chose may be taken for TCP; try another.
                set.Dispose();
                port = 0;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                set.Dispose();
                throw new InvalidOperationException($"listen tcp/udp {string.Join(",", addresses)} port {g.ConfiguredPort}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Stops the server: with <c>health { lameduck DUR }</c> it first keeps answering DNS and <c>/health</c> for DUR
    /// (while <c>/ready</c> says "Shutting down"), then closes listeners and runs stop hooks.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            _process.ShuttingDown = true;
            _governor?.Dispose();
            _stats?.Dispose();
            var lameduck = _current.Lameduck;
            if (_listeners.Count > 0 && lameduck > TimeSpan.Zero)
            {
                LogLameduck(_healthLog, GoDuration.Format(lameduck));
                try
                {
                    await Task.Delay(lameduck, _options.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Asked to stop at once: skip the rest of lameduck.
                }
            }
            foreach (var s in _listeners)
            {
                s.Dispose();
            }
            _listeners = [];
            _current.Retire();
            await RunShutdownHooksAsync(_current).ConfigureAwait(false);
            _process.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunShutdownHooksAsync(ServerGeneration generation)
    {
        generation.Retire();
        foreach (var hook in generation.Instance.ShutdownHooks)
        {
            try
            {
                await hook(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogShutdownError(_log, e);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Error, Message = "shutdown hook failed")]
    private static partial void LogShutdownError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloading")]
    private static partial void LogReloading(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloading complete")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Going into lameduck mode for {Duration}")]
    private static partial void LogLameduck(ILogger logger, string duration);
}
