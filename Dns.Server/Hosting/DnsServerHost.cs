using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Transport;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// A server built from a Corefile: every block set up in plugin order, blocks grouped into listeners by port and
/// bind addresses, each listener with its zone router, UDP and TCP on IPv4 and IPv6.
/// </summary>
public sealed partial class DnsServerHost : IAsyncDisposable
{
    /// <summary>CoreDNS release whose behaviour this server matches.</summary>
    public const string CompatibleVersion = "1.14.7";

    private readonly DnsServerOptions _options;
    private readonly List<ListenerGroup> _groups;
    private readonly ILogger _log;
    private readonly List<UdpListener> _udp = [];
    private readonly List<TcpListener> _tcp = [];
    private bool _started;

    private DnsServerHost(DnsServerOptions options, ServerInstance instance, List<ListenerGroup> groups, IReadOnlyList<ServerBlockRuntime> blocks)
    {
        _options = options;
        Instance = instance;
        _groups = groups;
        Blocks = blocks;
        _log = options.LoggerFactory.CreateLogger("");
    }

    /// <summary>Shared state of the loaded Corefile.</summary>
    public ServerInstance Instance { get; }

    internal IReadOnlyList<ServerBlockRuntime> Blocks { get; }

    /// <summary>The bound ports, one per listener group, in Corefile order (after start).</summary>
    public IReadOnlyList<int> Ports
    {
        get
        {
            var ports = new List<int>();
            foreach (var g in _groups)
            {
                ports.Add(g.BoundPort);
            }
            return ports;
        }
    }

    /// <summary>The first listener's port (after start).</summary>
    public int Port => _groups.Count > 0 ? _groups[0].BoundPort : 0;

    /// <summary>Parses and sets up a Corefile; throws <see cref="CorefileException"/> on any configuration error.</summary>
    public static DnsServerHost Create(string corefile, string fileName, DnsServerOptions options)
    {
        var registry = options.Registry;
        var blocks = CorefileParser.Parse(corefile, fileName, registry.Contains);
        var instance = new ServerInstance(options.LoggerFactory, options.Metrics, options.Time, fileName, options.DefaultPort)
        {
            ConfigText = corefile,
        };
        var runtimes = new List<ServerBlockRuntime>();
        var chaos = false;
        foreach (var block in blocks)
        {
            foreach (var a in block.Addresses)
            {
                if (a.Scheme != "dns")
                {
                    throw new CorefileException(block.File, block.Line, $"scheme '{a.Scheme}://' is not supported by this server; use dns://");
                }
            }
            var config = new BlockConfig();
            var pipeline = new DnsPipelineBuilder();
            foreach (var directive in PluginOrder.Directives)
            {
                if (!block.Has(directive))
                {
                    continue;
                }
                var ctx = new SetupContext(directive, block, block.GetDispenser(directive), config, pipeline, instance);
                registry.Get(directive).Setup(ctx);
            }
            chaos |= block.Has("chaos");
            runtimes.Add(new ServerBlockRuntime(block, config, pipeline.Plugins, pipeline.Build()));
        }

        var groups = new List<ListenerGroup>();
        foreach (var rt in runtimes)
        {
            foreach (var a in rt.Block.Addresses)
            {
                var port = a.EffectivePort(options.DefaultPort);
                var binds = BindKey(rt.Config);
                var group = groups.Find(g => g.ConfiguredPort == port && g.BindKey == binds);
                if (group is null)
                {
                    group = new ListenerGroup(port, binds, rt.Config.BindAddresses.Count == 0 ? null : [.. rt.Config.BindAddresses]);
                    groups.Add(group);
                }
                if (!group.Router.TryAdd(a.Zone, rt) && !ReferenceEquals(group.Router.Match(Core.Protocol.DnsName.Parse(a.Zone), out _), rt))
                {
                    throw new CorefileException(rt.Block.File, rt.Block.Line, $"cannot serve {a.ToString(options.DefaultPort)} - it is already defined");
                }
            }
        }
        var log = options.LoggerFactory.CreateLogger("");
        foreach (var g in groups)
        {
            g.Handler = new QueryHandler(g.Router, chaos, "dns://:" + g.ConfiguredPort.ToString(System.Globalization.CultureInfo.InvariantCulture), log);
        }
        if (groups.Count > 0)
        {
            instance.Resolver = groups[0].Handler;
        }
        return new DnsServerHost(options, instance, groups, runtimes);
    }

    private static string BindKey(BlockConfig config)
    {
        var list = new List<string>();
        foreach (var a in config.BindAddresses)
        {
            list.Add(a.ToString());
        }
        list.Sort(StringComparer.Ordinal);
        return string.Join(',', list);
    }

    /// <summary>Runs start hooks, then binds and starts every listener.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            return;
        }
        _started = true;
        foreach (var hook in Instance.StartupHooks)
        {
            await hook(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            foreach (var g in _groups)
            {
                BindGroup(g);
            }
        }
        catch
        {
            DisposeListeners();
            throw;
        }
        foreach (var u in _udp)
        {
            u.Start();
        }
        foreach (var t in _tcp)
        {
            t.Start();
        }
        if (!_options.Quiet)
        {
            foreach (var rt in Blocks)
            {
                foreach (var a in rt.Block.Addresses)
                {
                    var g = _groups.Find(x => x.Router.Zones.Contains(a.Zone) && x.ConfiguredPort == a.EffectivePort(_options.DefaultPort));
                    _options.Output.WriteLine($"{a.Zone}:{g?.BoundPort ?? a.EffectivePort(_options.DefaultPort)}");
                }
            }
            _options.Output.WriteLine("CoreDNS-" + CompatibleVersion);
            _options.Output.WriteLine($"linux/{(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "amd64" : System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())}, dotnet{Environment.Version}, Dns.Server");
            _options.Output.Flush();
        }
    }

    private void BindGroup(ListenerGroup g)
    {
        var addresses = g.Addresses ?? [SocketSetup.IPv6Available ? IPAddress.IPv6Any : IPAddress.Any];
        var port = g.ConfiguredPort;
        for (var attempt = 0; ; attempt++)
        {
            var udps = new List<UdpListener>();
            var tcps = new List<TcpListener>();
            try
            {
                foreach (var addr in addresses)
                {
                    var u = new UdpListener(new IPEndPoint(addr, port), _options.UdpWorkers, () => g.Handler!, _log);
                    udps.Add(u);
                    u.Bind();
                    port = u.Port;
                    var t = new TcpListener(new IPEndPoint(addr, port), () => g.Handler!, _log);
                    tcps.Add(t);
                    t.Bind();
                }
                g.BoundPort = port;
                _udp.AddRange(udps);
                _tcp.AddRange(tcps);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (g.ConfiguredPort == 0 && attempt < 20)
            {
                // Port 0: the UDP port the kernel chose may be taken for TCP; try another.
                foreach (var u in udps) u.Dispose();
                foreach (var t in tcps) t.Dispose();
                port = 0;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                foreach (var u in udps) u.Dispose();
                foreach (var t in tcps) t.Dispose();
                throw new InvalidOperationException($"listen tcp/udp {string.Join(",", addresses.Select(a => a.ToString()))} port {g.ConfiguredPort}: {e.Message}", e);
            }
        }
    }

    /// <summary>Closes listeners, then runs stop hooks.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        DisposeListeners();
        foreach (var hook in Instance.ShutdownHooks)
        {
            try
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogShutdownError(_log, e);
            }
        }
    }

    private void DisposeListeners()
    {
        foreach (var u in _udp)
        {
            u.Dispose();
        }
        foreach (var t in _tcp)
        {
            t.Dispose();
        }
        _udp.Clear();
        _tcp.Clear();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Error, Message = "shutdown hook failed")]
    private static partial void LogShutdownError(ILogger logger, Exception exception);

    private sealed class ListenerGroup(int port, string bindKey, List<IPAddress>? addresses)
    {
        public int ConfiguredPort { get; } = port;

        public string BindKey { get; } = bindKey;

        public List<IPAddress>? Addresses { get; } = addresses;

        public ZoneRouter<ServerBlockRuntime> Router { get; } = new();

        public QueryHandler? Handler { get; set; }

        public int BoundPort { get; set; }
    }
}
