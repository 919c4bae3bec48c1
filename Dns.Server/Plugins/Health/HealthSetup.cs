using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;

namespace Dns.Server.Plugins.Health;

/// <summary>
/// <c>health</c>: a process-wide <c>/health</c> endpoint. Not a chain plugin (CoreDNS: "health is not really a
/// plugin, just a separate webserver"); it serves from start to stop and its lameduck delays the final shutdown.
/// </summary>
internal sealed class HealthSetup : IPluginSetup
{
    public string Name => "health";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser);
        var endpoint = new HealthEndpoint(options, context.LoggerFactory);
        var instance = context.Instance;
        context.OnStartup(_ =>
        {
            endpoint.Start(ServerProcess.Of(instance), ServerGeneration.Of(instance));
            return Task.CompletedTask;
        });
        context.OnShutdown(_ =>
        {
            endpoint.Stop();
            return Task.CompletedTask;
        });
    }

    /// <summary>Reads every <c>health</c> line of the block (a later one overrides, as in CoreDNS).</summary>
    internal static HealthOptions Parse(CorefileDispenser d)
    {
        var address = HealthOptions.DefaultAddress;
        var lameduck = TimeSpan.Zero;
        while (d.Next())
        {
            address = HttpAddress.ReadOptional(d, "health", address);
            while (d.NextBlock())
            {
                switch (d.Val)
                {
                    case "lameduck":
                        var l = d.RemainingArgs();
                        if (l.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        if (!GoDuration.TryParse(l[0], out lameduck))
                        {
                            throw d.Err($"plugin/health: unable to parse lameduck duration value: \"{l[0]}\": time: invalid duration \"{l[0]}\"");
                        }
                        break;
                    default:
                        throw d.ArgErr();
                }
            }
        }
        return new HealthOptions(address, lameduck);
    }
}
