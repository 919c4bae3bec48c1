using System.Globalization;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;

namespace Dns.Plugins.Kubernetes.External;

/// <summary>
/// Sets up <c>k8s_external [ZONES...] { apex LABEL; ttl N; headless; fallthrough [ZONES] }</c>. The block's
/// <c>kubernetes</c> plugin is looked up at start (it is set up after this one, as it comes later in the chain).
/// </summary>
public sealed class ExternalSetup : IPluginSetup
{
    /// <inheritdoc/>
    public string Name => "k8s_external";

    /// <inheritdoc/>
    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser, context.Zones);
        var config = context.Config;
        var plugin = new ExternalPlugin(options, () => config.Items.TryGetValue(KubernetesSetup.ItemKey, out var k) ? k as KubernetesPlugin : null);
        context.AddPlugin(plugin);
        context.OnStartup(_ =>
        {
            plugin.Bind();
            return Task.CompletedTask;
        });
    }

    /// <summary>Parses the directive; throws <see cref="CorefileException"/> on bad configuration.</summary>
    public static ExternalOptions Parse(CorefileDispenser d, IReadOnlyList<string> blockZones)
    {
        var o = new ExternalOptions();
        // Like CoreDNS, a repeated directive overrides the zones and adds its options.
        while (d.Next())
        {
            var zones = new List<string>();
            var args = d.RemainingArgs();
            foreach (var z in args.Count > 0 ? args : blockZones)
            {
                AddZones(zones, z, d);
            }
            o = o with { Zones = zones };
            while (d.NextBlock())
            {
                var prop = d.Val;
                switch (prop)
                {
                    case "ttl":
                        {
                            var a = d.RemainingArgs();
                            if (a.Count == 0)
                            {
                                throw d.ArgErr();
                            }
                            if (!int.TryParse(a[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t))
                            {
                                throw d.Err($"ttl must be an integer: '{a[0]}'");
                            }
                            if (t is < 0 or > 3600)
                            {
                                throw d.Err($"ttl must be in range [0, 3600]: {t}");
                            }
                            o = o with { Ttl = (uint)t };
                            break;
                        }
                    case "apex":
                        {
                            var a = d.RemainingArgs();
                            if (a.Count == 0)
                            {
                                throw d.ArgErr();
                            }
                            if (!Core.Protocol.DnsName.TryParse(a[0], out _) || a[0].Contains('.'))
                            {
                                throw d.Err($"invalid apex label: '{a[0]}'");
                            }
                            o = o with { Apex = a[0].ToLowerInvariant() };
                            break;
                        }
                    case "headless":
                        if (d.RemainingArgs().Count != 0)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { Headless = true };
                        break;
                    case "fallthrough":
                        {
                            var a = d.RemainingArgs();
                            var list = new List<string>();
                            if (a.Count == 0)
                            {
                                list.Add(".");
                            }
                            foreach (var z in a)
                            {
                                AddZones(list, z, d);
                            }
                            o = o with { Fallthrough = list };
                            break;
                        }
                    default:
                        throw d.Err($"unknown property '{prop}'");
                }
            }
        }
        return o;
    }

    private static void AddZones(List<string> zones, string arg, CorefileDispenser d)
    {
        var token = new CorefileToken(arg, d.File, d.Line);
        var list = arg.Contains('/') ? ZoneAddressParser.ReverseZones(arg, token) : [ZoneAddressParser.NormalizeZone(arg, token)];
        foreach (var z in list)
        {
            if (!zones.Contains(z))
            {
                zones.Add(z);
            }
        }
    }
}
