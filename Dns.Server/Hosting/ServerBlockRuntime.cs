using Dns.Core.Corefile;
using Dns.Core.Pipeline;

namespace Dns.Server.Hosting;

/// <summary>A set-up server block: its config, plugins and composed chain.</summary>
internal sealed class ServerBlockRuntime
{
    public ServerBlockRuntime(ServerBlock block, BlockConfig config, IReadOnlyList<IDnsPlugin> plugins, DnsRequestDelegate chain)
    {
        Block = block;
        Config = config;
        Plugins = plugins;
        Chain = chain;
        var safe = plugins.Count > 0;
        foreach (var p in plugins)
        {
            safe &= p is IReplaySafe;
        }
        ReplaySafe = safe;
    }

    /// <summary>Every plugin of the chain is <see cref="IReplaySafe"/>: its UDP replies may be replayed in wire form.</summary>
    public bool ReplaySafe { get; }

    public ServerBlock Block { get; }

    public BlockConfig Config { get; }

    public IReadOnlyList<IDnsPlugin> Plugins { get; }

    public DnsRequestDelegate Chain { get; }

    /// <summary>Readiness checks registered while this block was set up (what <c>ready</c> in this block reports).</summary>
    public IReadOnlyList<IReadinessCheck> ReadinessChecks { get; init; } = [];
}
