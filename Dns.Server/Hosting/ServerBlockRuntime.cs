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
    }

    public ServerBlock Block { get; }

    public BlockConfig Config { get; }

    public IReadOnlyList<IDnsPlugin> Plugins { get; }

    public DnsRequestDelegate Chain { get; }

    /// <summary>Readiness checks registered while this block was set up (what <c>ready</c> in this block reports).</summary>
    public IReadOnlyList<IReadinessCheck> ReadinessChecks { get; init; } = [];
}
