using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;

namespace Dns.Server.Plugins.Reload;

/// <summary>
/// <c>reload</c>: watches the Corefile and swaps in a changed one (the host keeps the ports it can, so no query is
/// dropped). One watcher per loaded configuration, whatever the number of blocks that name <c>reload</c>.
/// </summary>
internal sealed class ReloadSetup : IPluginSetup
{
    private const string WatcherKey = "reload.watcher";

    public string Name => "reload";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser);
        var instance = context.Instance;
        if (instance.Items.ContainsKey(WatcherKey))
        {
            return;
        }
        var watcher = new ReloadWatcher(options, context.LoggerFactory);
        instance.Items[WatcherKey] = watcher;
        context.OnStartup(_ =>
        {
            watcher.Start(ServerProcess.Of(instance), ServerGeneration.Of(instance));
            return Task.CompletedTask;
        });
    }

    internal static ReloadOptions Parse(CorefileDispenser d)
    {
        var interval = ReloadOptions.DefaultInterval;
        var jitter = ReloadOptions.DefaultJitter;
        while (d.Next())
        {
            var args = d.RemainingArgs();
            if (args.Count > 2)
            {
                throw d.ArgErr();
            }
            if (args.Count > 0 && !GoDuration.TryParse(args[0], out interval))
            {
                throw d.Err($"plugin/reload: time: invalid duration \"{args[0]}\"");
            }
            if (interval < ReloadOptions.MinInterval)
            {
                throw d.Err("plugin/reload: interval value must be greater or equal to 2s");
            }
            if (args.Count > 1 && !GoDuration.TryParse(args[1], out jitter))
            {
                throw d.Err($"plugin/reload: time: invalid duration \"{args[1]}\"");
            }
            if (jitter < ReloadOptions.MinJitter)
            {
                throw d.Err("plugin/reload: jitter value must be greater or equal to 1s");
            }
            if (jitter > interval / 2)
            {
                jitter = interval / 2;
            }
            if (d.NextBlock())
            {
                throw d.ArgErr();
            }
        }
        return new ReloadOptions(interval, jitter);
    }
}
