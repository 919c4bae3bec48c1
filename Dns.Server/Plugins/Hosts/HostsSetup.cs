using System.Globalization;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Hosts;

/// <summary>
/// <c>hosts [FILE [ZONES...]] { INLINE; ttl SECONDS; no_reverse; reload DURATION; fallthrough [ZONES...];
/// fallthrough_unsupported }</c>, once per block. A relative FILE is taken from the Corefile's directory.
/// </summary>
internal sealed partial class HostsSetup : IPluginSetup
{
    public string Name => "hosts";

    public void Setup(SetupContext context)
    {
        var log = context.LoggerFactory.CreateLogger("plugin/hosts");
        var options = Parse(context.Dispenser, context.Zones, context.ResolvePath);
        if (!File.Exists(options.Path))
        {
            if (Directory.Exists(options.Path))
            {
                LogDirectory(log, options.Path);
            }
            else
            {
                LogMissing(log, options.Path);
            }
        }
        var data = new HostsData(options, log, context.Metrics);
        context.OnStartup(_ =>
        {
            data.Start(context.Time);
            return Task.CompletedTask;
        });
        context.OnShutdown(_ =>
        {
            data.Dispose();
            return Task.CompletedTask;
        });
        context.AddPlugin(new HostsPlugin(options, data));
    }

    internal static HostsOptions Parse(CorefileDispenser d, IReadOnlyList<string> blockZones, Func<string, string> resolvePath)
    {
        var options = new HostsOptions();
        var inline = new List<string>();
        List<DnsName>? fallthrough = null;
        var i = 0;
        while (d.Next())
        {
            if (i++ > 0)
            {
                throw d.Err("this plugin can only be used once per Server Block");
            }
            var args = d.RemainingArgs();
            if (args.Count >= 1)
            {
                options = options with { Path = resolvePath(args[0]) };
                args.RemoveAt(0);
            }
            var origins = new List<DnsName>();
            if (args.Count > 0)
            {
                foreach (var a in args)
                {
                    origins.AddRange(Zones(d, a));
                }
            }
            else
            {
                foreach (var z in blockZones)
                {
                    origins.Add(DnsName.Parse(z));
                }
            }
            options = options with { Origins = origins };

            while (d.NextBlock())
            {
                switch (d.Val)
                {
                    case "fallthrough":
                        fallthrough = [];
                        var fz = d.RemainingArgs();
                        if (fz.Count == 0)
                        {
                            fallthrough.Add(DnsName.Root);
                        }
                        foreach (var z in fz)
                        {
                            fallthrough.AddRange(Zones(d, z));
                        }
                        break;
                    case "fallthrough_unsupported":
                        if (d.NextArg())
                        {
                            throw d.ArgErr();
                        }
                        options = options with { FallthroughUnsupported = true };
                        break;
                    case "no_reverse":
                        options = options with { AutoReverse = false };
                        break;
                    case "ttl":
                        var t = d.RemainingArgs();
                        if (t.Count < 1)
                        {
                            throw d.Err("ttl needs a time in second");
                        }
                        if (!int.TryParse(t[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ttl))
                        {
                            throw d.Err("ttl needs a number of second");
                        }
                        if (ttl <= 0 || ttl > 65535)
                        {
                            throw d.Err("ttl provided is invalid");
                        }
                        options = options with { Ttl = (uint)ttl };
                        break;
                    case "reload":
                        var r = d.RemainingArgs();
                        if (r.Count != 1)
                        {
                            throw d.Err("reload needs a duration (zero seconds to disable)");
                        }
                        if (!GoDuration.TryParse(r[0], out var reload))
                        {
                            throw d.Err($"invalid duration for reload '{r[0]}'");
                        }
                        if (reload < TimeSpan.Zero)
                        {
                            throw d.Err($"invalid negative duration for reload '{r[0]}'");
                        }
                        options = options with { Reload = reload };
                        break;
                    default:
                        if (fallthrough is null)
                        {
                            var line = new List<string> { d.Val };
                            line.AddRange(d.RemainingArgs());
                            inline.Add(string.Join(' ', line));
                            continue;
                        }
                        throw d.Err($"unknown property '{d.Val}'");
                }
            }
        }
        if (options.FallthroughUnsupported && fallthrough is null)
        {
            throw d.Err("fallthrough_unsupported requires fallthrough");
        }
        return options with { Fallthrough = fallthrough, Inline = inline };
    }

    /// <summary>A zone argument, normalised as CoreDNS does (lower-case FQDN; a CIDR becomes its reverse zones).</summary>
    private static IEnumerable<DnsName> Zones(CorefileDispenser d, string arg)
    {
        foreach (var za in ZoneAddressParser.Parse(new CorefileToken(arg, d.File, d.Line)))
        {
            yield return DnsName.Parse(za.Zone);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "File does not exist: {Path}")]
    private static partial void LogMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hosts file \"{Path}\" is a directory")]
    private static partial void LogDirectory(ILogger logger, string path);
}
