using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;

namespace Dns.Server.Plugins.Ready;

/// <summary><c>ready</c>: a process-wide <c>/ready</c> endpoint over the readiness of the blocks that enable it.</summary>
internal sealed class ReadySetup : IPluginSetup
{
    public string Name => "ready";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser);
        var instance = context.Instance;
        ReadyEndpoint? endpoint = null;
        context.OnStartup(_ =>
        {
            var generation = ServerGeneration.Of(instance);
            endpoint = new ReadyEndpoint(options, new ReadinessTracker(generation.ReadyChecks, options.Continuously), context.LoggerFactory);
            endpoint.Start(ServerProcess.Of(instance));
            return Task.CompletedTask;
        });
        context.OnShutdown(_ =>
        {
            endpoint?.Stop();
            return Task.CompletedTask;
        });
    }

    internal static ReadyOptions Parse(CorefileDispenser d)
    {
        var address = ReadyOptions.DefaultAddress;
        var continuously = false;
        var i = 0;
        while (d.Next())
        {
            if (i++ > 0)
            {
                throw d.Err("plugin/ready: this plugin can only be used once per Server Block");
            }
            address = HttpAddress.ReadOptional(d, "ready", address);
            while (d.NextBlock())
            {
                switch (d.Val)
                {
                    case "monitor":
                        var m = d.RemainingArgs();
                        if (m.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        continuously = m[0] switch
                        {
                            "until-ready" => false,
                            "continuously" => true,
                            _ => throw d.Err($"plugin/ready: monitor type '{m[0]}' not supported"),
                        };
                        break;
                    default:
                        throw d.Err($"plugin/ready: unknown property '{d.Val}'");
                }
            }
        }
        return new ReadyOptions(address, continuously);
    }
}
