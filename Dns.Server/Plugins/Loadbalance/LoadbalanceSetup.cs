using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Loadbalance;

/// <summary><c>loadbalance</c>: the <c>round_robin</c> policy (the default) and <c>prefer</c> subnets.</summary>
internal sealed class LoadbalanceSetup : IPluginSetup
{
    public string Name => "loadbalance";

    public void Setup(SetupContext context) => context.AddPlugin(new LoadbalancePlugin(Parse(context.Dispenser)));

    internal static LoadbalanceOptions Parse(CorefileDispenser d)
    {
        var prefer = new List<(IPAddress, int)>();
        while (d.Next())
        {
            var args = d.RemainingArgs();
            if (args.Count > 0)
            {
                switch (args[0])
                {
                    case "round_robin":
                        if (args.Count > 1)
                        {
                            throw d.Err("plugin/loadbalance: unknown property for round_robin");
                        }
                        break;
                    case "weighted":
                        throw d.Err("plugin/loadbalance: the weighted policy is not supported by this server");
                    default:
                        throw d.Err($"plugin/loadbalance: unknown policy: {args[0]}");
                }
            }
            while (d.NextBlock())
            {
                switch (d.Val)
                {
                    case "prefer":
                        foreach (var cidr in d.RemainingArgs())
                        {
                            if (!TryParseCidr(cidr, out var net, out var len))
                            {
                                throw d.Err($"plugin/loadbalance: invalid CIDR \"{cidr}\": invalid CIDR address: {cidr}");
                            }
                            prefer.Add((net, len));
                        }
                        break;
                    default:
                        throw d.Err($"plugin/loadbalance: unknown property '{d.Val}'");
                }
            }
        }
        return new LoadbalanceOptions(prefer);
    }

    private static bool TryParseCidr(string text, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var ip) ||
            !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix))
        {
            return false;
        }
        var bits = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            return false;
        }
        network = ip;
        return true;
    }
}
