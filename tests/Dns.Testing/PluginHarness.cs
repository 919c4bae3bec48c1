using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Testing;

/// <summary>
/// Runs one server block's chain in-process without sockets (handler tests): set up from Corefile text with the
/// real registry, then <see cref="QueryAsync"/> a message and get the reply the chain produced.
/// </summary>
public sealed class PluginHarness
{
    private readonly DnsRequestDelegate _chain;

    private PluginHarness(DnsRequestDelegate chain, ServerInstance instance, BlockConfig config)
    {
        _chain = chain;
        Instance = instance;
        Config = config;
    }

    /// <summary>The instance (start hooks are not run unless <see cref="StartAsync"/> is called).</summary>
    public ServerInstance Instance { get; }

    /// <summary>The block's config.</summary>
    public BlockConfig Config { get; }

    /// <summary>Sets up the first server block of <paramref name="corefile"/>.</summary>
    public static PluginHarness Create(string corefile, PluginRegistry? registry = null, TimeProvider? time = null, string fileName = "Corefile")
    {
        registry ??= Server.BuiltinPlugins.Create();
        var blocks = CorefileParser.Parse(corefile, fileName, registry.Contains);
        var block = blocks[0];
        var instance = new ServerInstance(NullLoggerFactory.Instance, new MetricsRegistry(), time ?? TimeProvider.System, fileName, 53);
        var config = new BlockConfig();
        var pipeline = new DnsPipelineBuilder();
        foreach (var directive in PluginOrder.Directives)
        {
            if (block.Has(directive))
            {
                registry.Get(directive).Setup(new SetupContext(directive, block, block.GetDispenser(directive), config, pipeline, instance));
            }
        }
        return new PluginHarness(pipeline.Build(), instance, config);
    }

    /// <summary>Runs the start hooks.</summary>
    public async Task StartAsync()
    {
        foreach (var h in Instance.StartupHooks)
        {
            await h(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="query"/> through the chain as a UDP query from 10.240.0.1:40212.</summary>
    public async Task<DnsContext> RunAsync(DnsMessage query, DnsTransport transport = DnsTransport.Udp)
    {
        var ctx = new DnsContext(query, transport, new IPEndPoint(IPAddress.Parse("10.240.0.1"), 40212))
        {
            MaxUdpSize = Config.MaxUdpSize,
            Resolver = Instance.Resolver,
        };
        await _chain(ctx).ConfigureAwait(false);
        return ctx;
    }

    /// <summary>The reply for a case's query.</summary>
    public async Task<DnsMessage?> QueryAsync(DnsCase c) => (await RunAsync(c.ToQuery()).ConfigureAwait(false)).Response;
}
