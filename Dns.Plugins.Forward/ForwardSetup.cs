using System.Globalization;
using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>
/// <c>forward FROM TO... { ... }</c>. The directive may be used several times in a block; each use is its own plugin,
/// in Corefile order, and a query whose name is not under FROM passes to the next one.
/// </summary>
public sealed class ForwardSetup : IPluginSetup
{
    private const int MaxUpstreams = 15;

    /// <inheritdoc/>
    public string Name => "forward";

    /// <inheritdoc/>
    public void Setup(SetupContext context)
    {
        var all = Parse(context.Dispenser, context.ResolvePath);
        var metrics = new ForwardMetrics(context.Metrics);
        var plugins = new List<ForwardPlugin>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            // CoreDNS hands a query on for `next` only when the following plugin is a forward too; several forward
            // lines sit next to each other in the chain, so that is every one but the last.
            var plugin = new ForwardPlugin(all[i], metrics, nextIsForward: i < all.Count - 1);
            plugins.Add(plugin);
            context.AddPlugin(plugin);
        }
        context.OnShutdown(_ =>
        {
            foreach (var p in plugins)
            {
                p.Dispose();
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>Parses every use of the directive in the dispenser.</summary>
    public static List<ForwardOptions> Parse(CorefileDispenser d, Func<string, string>? resolvePath = null)
    {
        resolvePath ??= Path.GetFullPath;
        var result = new List<ForwardOptions>();
        while (d.Next())
        {
            result.Add(ParseOne(d, resolvePath));
        }
        return result;
    }

    private static ForwardOptions ParseOne(CorefileDispenser d, Func<string, string> resolvePath)
    {
        if (!d.NextArg())
        {
            throw d.ArgErr();
        }
        var from = ParseZone(d, d.Val);
        var to = d.RemainingArgs();
        if (to.Count == 0)
        {
            throw d.ArgErr();
        }
        var upstreams = new List<UpstreamAddress>();
        foreach (var t in to)
        {
            ParseTo(d, t, upstreams, resolvePath);
        }
        if (upstreams.Count > MaxUpstreams)
        {
            throw d.Err($"more than {MaxUpstreams} TOs configured: {upstreams.Count}");
        }
        if (upstreams.Count == 0)
        {
            throw d.Err("no nameservers found");
        }
        var o = new ForwardOptions { From = from, Upstreams = upstreams };
        var tls = new TlsClientOptions();
        while (d.NextBlock())
        {
            var prop = d.Val;
            var args = d.RemainingArgs();
            switch (prop)
            {
                case "except":
                    if (args.Count == 0)
                    {
                        throw d.ArgErr();
                    }
                    var except = new List<DnsName>(args.Count);
                    foreach (var a in args)
                    {
                        except.Add(ParseZone(d, a));
                    }
                    o = o with { Except = except };
                    break;
                case "max_fails":
                    o = o with { MaxFails = ParseNonNegative(d, args, "max_fails") };
                    break;
                case "health_check":
                    o = ParseHealthCheck(d, args, o);
                    break;
                case "force_tcp":
                    NoArgs(d, args);
                    o = o with { ForceTcp = true };
                    break;
                case "prefer_udp":
                    NoArgs(d, args);
                    o = o with { PreferUdp = true };
                    break;
                case "tls":
                    if (args.Count > 3)
                    {
                        throw d.ArgErr();
                    }
                    tls = args.Count switch
                    {
                        0 => tls with { CertificateFile = null, KeyFile = null, CaFile = null },
                        1 => tls with { CaFile = resolvePath(args[0]) },
                        2 => tls with { CertificateFile = resolvePath(args[0]), KeyFile = resolvePath(args[1]) },
                        _ => tls with { CertificateFile = resolvePath(args[0]), KeyFile = resolvePath(args[1]), CaFile = resolvePath(args[2]) },
                    };
                    foreach (var f in new[] { tls.CertificateFile, tls.KeyFile, tls.CaFile })
                    {
                        if (f is not null && !File.Exists(f))
                        {
                            throw d.Err($"open {f}: no such file or directory");
                        }
                    }
                    break;
                case "tls_servername":
                    if (args.Count != 1)
                    {
                        throw d.ArgErr();
                    }
                    tls = tls with { ServerName = args[0] };
                    break;
                case "expire":
                    o = o with { Expire = ParseDuration(d, args, "expire") };
                    break;
                case "read_timeout":
                    o = o with { ReadTimeout = ParseDuration(d, args, "read_timeout") };
                    break;
                case "policy":
                    if (args.Count != 1)
                    {
                        throw d.ArgErr();
                    }
                    o = o with
                    {
                        Policy = args[0] switch
                        {
                            "random" => ForwardPolicy.Random,
                            "round_robin" => ForwardPolicy.RoundRobin,
                            "sequential" => ForwardPolicy.Sequential,
                            _ => throw d.Err($"unknown policy '{args[0]}'"),
                        },
                    };
                    break;
                case "max_concurrent":
                    o = o with { MaxConcurrent = ParseNonNegative(d, args, "max_concurrent") };
                    break;
                case "max_connect_attempts":
                    o = o with { MaxConnectAttempts = ParseNonNegative(d, args, "max_connect_attempts") };
                    break;
                case "next":
                    if (args.Count == 0)
                    {
                        throw d.ArgErr();
                    }
                    o = o with { NextRcodes = ParseRcodes(d, args, allowNoError: true) };
                    break;
                case "next_on_nodata":
                    NoArgs(d, args);
                    o = o with { NextOnNoData = true };
                    break;
                case "failover":
                    if (args.Count == 0)
                    {
                        throw d.ArgErr();
                    }
                    o = o with { FailoverRcodes = ParseRcodes(d, args, allowNoError: false) };
                    break;
                case "failfast_all_unhealthy_upstreams":
                    NoArgs(d, args);
                    o = o with { FailfastAllUnhealthyUpstreams = true };
                    break;
                default:
                    throw d.Err($"unknown property '{prop}'");
            }
        }
        if (tls.ServerName is not null)
        {
            // A servername given with the upstream (tls://IP%name) wins over tls_servername.
            var list = new List<UpstreamAddress>(upstreams.Count);
            foreach (var u in upstreams)
            {
                list.Add(u.Tls && u.ServerName is null ? u with { ServerName = tls.ServerName } : u);
            }
            o = o with { Upstreams = list };
        }
        return o with { Tls = tls };
    }

    private static DnsName ParseZone(CorefileDispenser d, string text)
    {
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return ReverseZone(text) ?? throw d.Err($"unable to normalize '{text}'");
        }
        var t = text;
        var scheme = t.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            t = t[(scheme + 3)..];
        }
        var colon = t.LastIndexOf(':');
        if (colon > 0 && t.IndexOf(':') == colon)
        {
            t = t[..colon];
        }
        if (!DnsName.TryParse(t, out var name))
        {
            throw d.Err($"unable to normalize '{text}'");
        }
        return DnsName.Parse(name.LowerText);
    }

    /// <summary>
    /// A CIDR as CoreDNS normalizes it: the reverse zone of the network, the prefix rounded up to whole octets
    /// (IPv4) or nibbles (IPv6); a prefix that expands to several zones uses the first.
    /// </summary>
    internal static DnsName? ReverseZone(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (!IPAddress.TryParse(cidr[..slash], out var ip)
            || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return null;
        }
        var bytes = ip.GetAddressBytes();
        if (bits > bytes.Length * 8)
        {
            return null;
        }
        // Clear the host bits, so 10.1.2.3/8 is 10.in-addr.arpa.
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        var labels = new List<string>();
        if (bytes.Length == 4)
        {
            var octets = (bits + 7) / 8;
            for (var i = octets - 1; i >= 0; i--)
            {
                labels.Add(bytes[i].ToString(CultureInfo.InvariantCulture));
            }
            labels.Add("in-addr.arpa.");
        }
        else
        {
            var nibbles = (bits + 3) / 4;
            for (var i = nibbles - 1; i >= 0; i--)
            {
                var b = bytes[i / 2];
                labels.Add(((i % 2 == 0 ? b >> 4 : b) & 0xF).ToString("x", CultureInfo.InvariantCulture));
            }
            labels.Add("ip6.arpa.");
        }
        return DnsName.Parse(string.Join('.', labels));
    }

    private static void ParseTo(CorefileDispenser d, string text, List<UpstreamAddress> into, Func<string, string> resolvePath)
    {
        var tls = false;
        var rest = text;
        if (rest.StartsWith("tls://", StringComparison.OrdinalIgnoreCase))
        {
            tls = true;
            rest = rest[6..];
        }
        else if (rest.StartsWith("dns://", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest[6..];
        }
        else if (rest.Contains("://", StringComparison.Ordinal))
        {
            throw d.Err($"unsupported transport in '{text}'");
        }
        var defaultPort = tls ? 853 : 53;
        if (TryParseHostPort(rest, defaultPort, tls, out var ep, out var serverName))
        {
            into.Add(new UpstreamAddress(ep, tls, serverName));
            return;
        }
        var path = File.Exists(rest) ? Path.GetFullPath(rest) : resolvePath(rest);
        if (!File.Exists(path))
        {
            throw d.Err($"not an IP address or file: \"{text}\"");
        }
        foreach (var ns in ReadResolvConf(path))
        {
            into.Add(new UpstreamAddress(new IPEndPoint(ns, defaultPort), tls));
        }
    }

    /// <summary>The <c>nameserver</c> addresses of a resolv.conf-style file, in order.</summary>
    internal static List<IPAddress> ReadResolvConf(string path)
    {
        var list = new List<IPAddress>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0] == "nameserver")
            {
                var addr = fields[1];
                var pct = addr.IndexOf('%');
                if (pct >= 0)
                {
                    addr = addr[..pct];
                }
                if (IPAddress.TryParse(addr, out var ip))
                {
                    list.Add(ip);
                }
            }
        }
        return list;
    }

    internal static bool TryParseHostPort(string text, int defaultPort, bool allowServerName, out IPEndPoint endPoint, out string? serverName)
    {
        endPoint = null!;
        serverName = null;
        string host;
        var port = defaultPort;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            host = text[1..close];
            var after = text[(close + 1)..];
            if (allowServerName && after.StartsWith('%'))
            {
                var c = after.IndexOf(':');
                serverName = c < 0 ? after[1..] : after[1..c];
                after = c < 0 ? "" : after[c..];
            }
            if (after.Length > 0)
            {
                if (after[0] != ':' || !TryPort(after[1..], out port))
                {
                    return false;
                }
            }
        }
        else
        {
            host = text;
            if (allowServerName)
            {
                var pct = text.IndexOf('%');
                if (pct >= 0)
                {
                    host = text[..pct];
                    var sn = text[(pct + 1)..];
                    var c = sn.LastIndexOf(':');
                    if (c >= 0)
                    {
                        if (!TryPort(sn[(c + 1)..], out port))
                        {
                            return false;
                        }
                        sn = sn[..c];
                    }
                    serverName = sn;
                }
            }
            var colons = host.AsSpan().Count(':');
            if (colons == 1)
            {
                var c = host.IndexOf(':');
                if (!TryPort(host[(c + 1)..], out port))
                {
                    return false;
                }
                host = host[..c];
            }
        }
        if (!IPAddress.TryParse(host, out var ip) || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.AsSpan().Count('.') != 3))
        {
            return false;
        }
        if (serverName is { Length: 0 })
        {
            serverName = null;
        }
        endPoint = new IPEndPoint(ip, port);
        return true;
    }

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static ForwardOptions ParseHealthCheck(CorefileDispenser d, List<string> args, ForwardOptions o)
    {
        if (args.Count == 0)
        {
            throw d.ArgErr();
        }
        if (!GoDuration.TryParse(args[0], out var dur))
        {
            throw d.Err($"time: invalid duration \"{args[0]}\"");
        }
        if (dur < TimeSpan.Zero)
        {
            throw d.Err($"health_check can't be negative: {args[0]}");
        }
        o = o with { HealthCheckInterval = dur };
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "no_rec":
                    o = o with { HealthCheckRecursionDesired = false };
                    break;
                case "domain":
                    if (i + 1 >= args.Count)
                    {
                        throw d.ArgErr();
                    }
                    if (!DnsName.TryParse(args[i + 1], out var hc))
                    {
                        throw d.Err($"health_check: invalid domain name {args[i + 1]}");
                    }
                    o = o with { HealthCheckDomain = hc };
                    i++;
                    break;
                default:
                    throw d.Err($"health_check: unknown option {args[i]}");
            }
        }
        return o;
    }

    private static TimeSpan ParseDuration(CorefileDispenser d, List<string> args, string what)
    {
        if (args.Count != 1)
        {
            throw d.ArgErr();
        }
        if (!GoDuration.TryParse(args[0], out var dur))
        {
            throw d.Err($"time: invalid duration \"{args[0]}\"");
        }
        if (dur < TimeSpan.Zero)
        {
            throw d.Err($"{what} can't be negative: {args[0]}");
        }
        return dur;
    }

    private static int ParseNonNegative(CorefileDispenser d, List<string> args, string what)
    {
        if (args.Count != 1)
        {
            throw d.ArgErr();
        }
        if (!int.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw d.Err($"strconv.Atoi: parsing \"{args[0]}\": invalid syntax");
        }
        if (n < 0)
        {
            throw d.Err($"{what} can't be negative: {n}");
        }
        return n;
    }

    private static List<ResponseCode> ParseRcodes(CorefileDispenser d, List<string> args, bool allowNoError)
    {
        var list = new List<ResponseCode>(args.Count);
        foreach (var a in args)
        {
            if (!TryParseRcode(a, out var rc))
            {
                throw d.Err($"{a} is not a valid rcode");
            }
            if (!allowNoError && rc == ResponseCode.NoError)
            {
                throw d.Err("NoError cannot be used in failover");
            }
            list.Add(rc);
        }
        return list;
    }

    private static bool TryParseRcode(string text, out ResponseCode code)
    {
        for (var i = 0; i <= 23; i++)
        {
            var c = (ResponseCode)i;
            if (string.Equals(ResponseCodeText.ToText(c), text, StringComparison.OrdinalIgnoreCase))
            {
                code = c;
                return true;
            }
        }
        code = default;
        return false;
    }

    private static void NoArgs(CorefileDispenser d, List<string> args)
    {
        if (args.Count != 0)
        {
            throw d.ArgErr();
        }
    }
}
