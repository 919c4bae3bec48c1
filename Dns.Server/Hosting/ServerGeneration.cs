using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// One loaded Corefile: its instance, set-up blocks and listener groups with their handlers. A reload builds a new
/// generation next to the running one and swaps it in only when it set up and started cleanly.
/// </summary>
internal sealed class ServerGeneration
{
    public const string ItemKey = "dns.server.generation";

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _retired = new();
    private long _lameduckTicks;

    private ServerGeneration(ServerInstance instance, IReadOnlyList<ServerBlockRuntime> blocks, List<ListenerGroup> groups, int defaultPort)
    {
        Instance = instance;
        Blocks = blocks;
        Groups = groups;
        DefaultPort = defaultPort;
    }

    public ServerInstance Instance { get; }

    public IReadOnlyList<ServerBlockRuntime> Blocks { get; }

    public List<ListenerGroup> Groups { get; }

    public int DefaultPort { get; }

    /// <summary>Readiness checks of the blocks that enable <c>ready</c>.</summary>
    public IReadOnlyList<IReadinessCheck> ReadyChecks
    {
        get
        {
            var ready = new List<IReadinessCheck>();
            foreach (var b in Blocks)
            {
                if (b.Block.Has("ready"))
                {
                    ready.AddRange(b.ReadinessChecks);
                }
            }
            return ready;
        }
    }

    /// <summary>Completes once this generation's listeners answer queries.</summary>
    public Task Listening => _listening.Task;

    /// <summary>Cancelled when this generation is replaced or stopped.</summary>
    public CancellationToken Retired => _retired.Token;

    /// <summary>The longest <c>health { lameduck }</c> of this configuration.</summary>
    public TimeSpan Lameduck => TimeSpan.FromTicks(Interlocked.Read(ref _lameduckTicks));

    public void AddLameduck(TimeSpan d)
    {
        long cur;
        do
        {
            cur = Interlocked.Read(ref _lameduckTicks);
            if (d.Ticks <= cur)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _lameduckTicks, d.Ticks, cur) != cur);
    }

    public void MarkListening() => _listening.TrySetResult();

    public void Retire()
    {
        _retired.Cancel();
        _listening.TrySetCanceled();
    }

    /// <summary>The generation a setup or hook belongs to.</summary>
    public static ServerGeneration Of(ServerInstance instance) =>
        instance.Items.TryGetValue(ItemKey, out var g) && g is ServerGeneration sg
            ? sg
            : throw new InvalidOperationException("this plugin needs the Dns.Server host");

    /// <summary>
    /// Where a block's first key listens, as CoreDNS's <c>loop</c> dials it (first bind address or loopback, bound
    /// port); null before <see cref="Listening"/>.
    /// </summary>
    public IPEndPoint? EndpointOf(ServerBlock block)
    {
        if (block.Addresses.Count == 0)
        {
            return null;
        }
        var first = block.Addresses[0];
        foreach (var g in Groups)
        {
            if (g.BoundPort == 0 || g.ConfiguredPort != first.EffectivePort(DefaultPort))
            {
                continue;
            }
            if (g.Router.Match(DnsName.Parse(first.Zone), out var zone) is { } rt && ReferenceEquals(rt.Block, block) && zone == first.Zone)
            {
                var ip = g.Addresses is { Count: > 0 } a ? a[0] : IPAddress.Loopback;
                if (ip.Equals(IPAddress.Any))
                {
                    ip = IPAddress.Loopback;
                }
                else if (ip.Equals(IPAddress.IPv6Any))
                {
                    ip = IPAddress.IPv6Loopback;
                }
                return new IPEndPoint(ip, g.BoundPort);
            }
        }
        return null;
    }

    /// <summary>Parses and sets up a Corefile; throws <see cref="CorefileException"/> on any configuration error.</summary>
    public static ServerGeneration Build(string corefile, string fileName, DnsServerOptions options, ServerProcess process)
    {
        var registry = options.Registry;
        var blocks = CorefileParser.Parse(corefile, fileName, registry.Contains);
        var instance = new ServerInstance(options.LoggerFactory, options.Metrics, options.Time, fileName, options.DefaultPort)
        {
            ConfigText = corefile,
        };
        instance.Items[ServerProcess.ItemKey] = process;
        var runtimes = new List<ServerBlockRuntime>();
        var groups = new List<ListenerGroup>();
        var generation = new ServerGeneration(instance, runtimes, groups, options.DefaultPort);
        instance.Items[ItemKey] = generation;
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
            var checksBefore = instance.ReadinessChecks.Count;
            foreach (var directive in PluginOrder.Directives)
            {
                if (!block.Has(directive))
                {
                    continue;
                }
                var ctx = new SetupContext(directive, block, block.GetDispenser(directive), config, pipeline, instance);
                registry.Get(directive).Setup(ctx);
            }
            var checks = new List<IReadinessCheck>();
            for (var i = checksBefore; i < instance.ReadinessChecks.Count; i++)
            {
                checks.Add(instance.ReadinessChecks[i]);
            }
            chaos |= block.Has("chaos");
            runtimes.Add(new ServerBlockRuntime(block, config, pipeline.Plugins, pipeline.Build()) { ReadinessChecks = checks });
        }

        foreach (var rt in runtimes)
        {
            foreach (var a in rt.Block.Addresses)
            {
                var port = a.EffectivePort(options.DefaultPort);
                var binds = BindKey(rt.Config);
                var group = groups.Find(g => g.ConfiguredPort == port && g.BindKey == binds);
                if (group is null)
                {
                    group = new ListenerGroup(port, binds, rt.Config.BindAddresses.Count == 0 ? null : new List<System.Net.IPAddress>(rt.Config.BindAddresses));
                    groups.Add(group);
                }
                if (!group.Router.TryAdd(a.Zone, rt) && !ReferenceEquals(group.Router.Match(DnsName.Parse(a.Zone), out _), rt))
                {
                    throw new CorefileException(rt.Block.File, rt.Block.Line, $"cannot serve {a.ToString(options.DefaultPort)} - it is already defined");
                }
            }
        }
        var log = options.LoggerFactory.CreateLogger("");
        foreach (var g in groups)
        {
            g.ServerLabel = "dns://:" + g.ConfiguredPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            g.Handler = new QueryHandler(g.Router, chaos, g.ServerLabel, log);
            var metricZones = new List<string>();
            foreach (var zone in g.Router.Zones)
            {
                if (g.Router.Match(DnsName.Parse(zone), out _) is { } rt && rt.Block.Has("prometheus"))
                {
                    metricZones.Add(zone);
                }
            }
            var requestMetrics = new RequestMetrics(process.Metrics, g.ServerLabel, metricZones, chaos);
            g.Handler.Observer = requestMetrics.Observe;
            g.Handler.ReplayMetrics = requestMetrics;
        }
        if (groups.Count > 0)
        {
            instance.Resolver = groups[0].Handler;
        }
        return generation;
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

    /// <summary>Sets <c>coredns_plugin_enabled</c> for the blocks that enable <c>prometheus</c>; returns the children set.</summary>
    public List<string[]> PublishPluginsEnabled(CoreMetrics metrics)
    {
        var set = new List<string[]>();
        foreach (var rt in Blocks)
        {
            if (!rt.Block.Has("prometheus"))
            {
                continue;
            }
            foreach (var a in rt.Block.Addresses)
            {
                var server = "dns://:" + a.EffectivePort(DefaultPort).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var names = new List<string>();
                foreach (var p in rt.Plugins)
                {
                    names.Add(p.Name);
                }
                // prometheus reports from the transport here, not from a chain link, but CoreDNS lists it as a handler.
                if (!names.Contains("prometheus"))
                {
                    names.Add("prometheus");
                }
                foreach (var n in names)
                {
                    string[] labels = [n, server, "", a.Zone];
                    metrics.PluginEnabled.WithLabels(labels).Set(1);
                    set.Add(labels);
                }
            }
        }
        return set;
    }
}
