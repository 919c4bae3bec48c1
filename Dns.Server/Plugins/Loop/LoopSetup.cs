using System.Globalization;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;

namespace Dns.Server.Plugins.Loop;

/// <summary><c>loop</c> takes no arguments; the probe zone is the block's first key.</summary>
internal sealed class LoopSetup : IPluginSetup
{
    public string Name => "loop";

    public void Setup(SetupContext context)
    {
        var d = context.Dispenser;
        var i = 0;
        while (d.Next())
        {
            if (i++ > 0)
            {
                throw d.Err("plugin/loop: this plugin can only be used once per Server Block");
            }
            if (d.NextArg() || d.NextBlock())
            {
                throw d.ArgErr();
            }
        }
        var zone = context.Zones.Count > 0 ? context.Zones[0] : ".";
        var plugin = new LoopPlugin(zone, ProbeName(zone), context.LoggerFactory.CreateLogger("plugin/loop"));
        context.AddPlugin(plugin);
        var instance = context.Instance;
        var block = context.Block;
        context.OnStartup(ct =>
        {
            var process = ServerProcess.Of(instance);
            var generation = ServerGeneration.Of(instance);
            plugin.Exit = process.Options.FatalExit;
            _ = ProbeWhenListeningAsync(plugin, generation, block, process.Options.Time);
            return Task.CompletedTask;
        });
    }

    /// <summary><c>&lt;rand&gt;.&lt;rand&gt;.zone.</c> with Go-sized (63-bit) random numbers.</summary>
    internal static DnsName ProbeName(string zone)
    {
        var l1 = Random.Shared.NextInt64(long.MaxValue).ToString(CultureInfo.InvariantCulture);
        var l2 = Random.Shared.NextInt64(long.MaxValue).ToString(CultureInfo.InvariantCulture);
        return DnsName.Parse(zone == "." ? $"{l1}.{l2}." : $"{l1}.{l2}.{zone}");
    }

    private static async Task ProbeWhenListeningAsync(LoopPlugin plugin, ServerGeneration generation, Dns.Core.Corefile.ServerBlock block, TimeProvider time)
    {
        try
        {
            await generation.Listening.WaitAsync(generation.Retired).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            plugin.Disable();
            return;
        }
        var target = generation.EndpointOf(block);
        if (target is null)
        {
            plugin.Disable();
            return;
        }
        var port = block.Addresses[0].EffectivePort(generation.DefaultPort);
        IReadOnlyList<System.Net.IPAddress>? bind = null;
        foreach (var b in generation.Blocks)
        {
            if (ReferenceEquals(b.Block, block))
            {
                bind = b.Config.BindAddresses;
                break;
            }
        }
        plugin.Address = bind is { Count: > 0 } ? new System.Net.IPEndPoint(bind[0], port).ToString() : ":" + port.ToString(CultureInfo.InvariantCulture);
        await new LoopProbe(plugin, time: time).RunAsync(target, generation.Retired).ConfigureAwait(false);
    }
}
