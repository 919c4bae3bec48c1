using System.Globalization;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary><c>cache [TTL] [ZONES...] { ... }</c>, once per server block (CoreDNS <c>plugin/cache/setup.go</c>).</summary>
internal sealed class CacheSetup : IPluginSetup
{
    public string Name => "cache";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser, context.Zones);
        context.AddPlugin(new CachePlugin(options, new CacheMetrics(context.Metrics), context.Time));
    }

    internal static CacheOptions Parse(CorefileDispenser d, IReadOnlyList<string> blockZones)
    {
        CacheOptions? o = null;
        while (d.Next())
        {
            if (o is not null)
            {
                throw d.Err("this plugin can only be used once per Server Block");
            }
            var args = d.RemainingArgs();
            TimeSpan? ttl = null;
            if (args.Count > 0 && int.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t))
            {
                if (t <= 0)
                {
                    throw d.Err($"cache TTL can not be zero or negative: {t}");
                }
                ttl = TimeSpan.FromSeconds(t);
                args.RemoveAt(0);
            }
            var zones = new List<DnsName>();
            if (args.Count == 0)
            {
                foreach (var z in blockZones)
                {
                    zones.Add(DnsName.Parse(z));
                }
            }
            else
            {
                foreach (var a in args)
                {
                    zones.Add(Zone(d, a));
                }
            }
            o = new CacheOptions { Zones = zones };
            if (ttl is { } both)
            {
                o = o with { SuccessMaxTtl = both, DenialMaxTtl = both };
            }
            while (d.NextBlock())
            {
                var prop = d.Val;
                var a = d.RemainingArgs();
                switch (prop)
                {
                    case "success":
                    {
                        var (cap, max, min) = CapTtl(d, a, o.SuccessMaxTtl, o.SuccessMinTtl);
                        o = o with { SuccessCapacity = cap, SuccessMaxTtl = max, SuccessMinTtl = min };
                        break;
                    }
                    case "denial":
                    {
                        var (cap, max, min) = CapTtl(d, a, o.DenialMaxTtl, o.DenialMinTtl);
                        o = o with { DenialCapacity = cap, DenialMaxTtl = max, DenialMinTtl = min };
                        break;
                    }
                    case "prefetch":
                        o = Prefetch(d, a, o);
                        break;
                    case "serve_stale":
                        o = ServeStale(d, a, o);
                        break;
                    case "servfail":
                    {
                        if (a.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        var dur = Duration(d, a[0]);
                        if (dur < TimeSpan.Zero)
                        {
                            throw d.Err("invalid negative ttl for servfail");
                        }
                        if (dur > TimeSpan.FromMinutes(5))
                        {
                            // RFC 2308 §7.1: SERVFAIL must not be cached for longer than five minutes.
                            throw d.Err("caching SERVFAIL responses over 5 minutes is not permitted");
                        }
                        o = o with { ServfailTtl = dur };
                        break;
                    }
                    case "disable":
                    {
                        if (a.Count < 1)
                        {
                            throw d.ArgErr();
                        }
                        var list = new List<DnsName>();
                        if (a.Count == 1)
                        {
                            list.Add(DnsName.Root);
                        }
                        for (var i = 1; i < a.Count; i++)
                        {
                            if (!DnsName.TryParse(a[i], out var z))
                            {
                                throw d.Err($"invalid disabled zone: {a[i]}");
                            }
                            list.Add(z);
                        }
                        o = a[0] switch
                        {
                            "success" => o with { DisableSuccess = list },
                            "denial" => o with { DisableDenial = list },
                            _ => throw d.Err("cache type for disable must be \"success\" or \"denial\""),
                        };
                        break;
                    }
                    case "keepttl":
                        if (a.Count != 0)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { KeepTtl = true };
                        break;
                    default:
                        throw d.ArgErr();
                }
            }
        }
        return o ?? new CacheOptions { Zones = [DnsName.Root] };
    }

    private static (int Cap, TimeSpan Max, TimeSpan Min) CapTtl(CorefileDispenser d, List<string> a, TimeSpan max, TimeSpan min)
    {
        if (a.Count == 0)
        {
            throw d.ArgErr();
        }
        var cap = Atoi(d, a[0]);
        if (a.Count > 1)
        {
            var ttl = Atoi(d, a[1]);
            if (ttl <= 0)
            {
                throw d.Err($"cache TTL can not be zero or negative: {ttl}");
            }
            max = TimeSpan.FromSeconds(ttl);
            if (a.Count > 2)
            {
                var m = Atoi(d, a[2]);
                if (m < 0)
                {
                    throw d.Err($"cache min TTL can not be negative: {m}");
                }
                min = TimeSpan.FromSeconds(m);
            }
        }
        return (cap, max, min);
    }

    private static CacheOptions Prefetch(CorefileDispenser d, List<string> a, CacheOptions o)
    {
        if (a.Count == 0 || a.Count > 3)
        {
            throw d.ArgErr();
        }
        var amount = Atoi(d, a[0]);
        if (amount < 0)
        {
            throw d.Err($"prefetch amount should be positive: {amount}");
        }
        o = o with { Prefetch = amount };
        if (a.Count > 1)
        {
            o = o with { PrefetchDuration = Duration(d, a[1]) };
        }
        if (a.Count > 2)
        {
            var pct = a[2];
            if (pct[^1] != '%')
            {
                throw d.Err($"last character of percentage should be `%`, but is: '{pct[^1]}'");
            }
            var num = Atoi(d, pct[..^1]);
            if (num is < 10 or > 90)
            {
                throw d.Err($"percentage should fall in range [10, 90]: {num}");
            }
            o = o with { PrefetchPercentage = num };
        }
        return o;
    }

    private static CacheOptions ServeStale(CorefileDispenser d, List<string> a, CacheOptions o)
    {
        if (a.Count > 2)
        {
            throw d.ArgErr();
        }
        var upTo = TimeSpan.FromHours(1);
        if (a.Count > 0)
        {
            upTo = Duration(d, a[0]);
            if (upTo < TimeSpan.Zero)
            {
                throw d.Err("invalid negative duration for serve_stale");
            }
        }
        var verify = false;
        if (a.Count > 1)
        {
            var mode = a[1].ToLowerInvariant();
            if (mode is not ("immediate" or "verify"))
            {
                throw d.Err($"invalid value for serve_stale refresh mode: {mode}");
            }
            verify = mode == "verify";
        }
        return o with { ServeStale = upTo, VerifyStale = verify };
    }

    private static DnsName Zone(CorefileDispenser d, string text)
    {
        var t = text;
        var scheme = t.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            t = t[(scheme + 3)..];
        }
        var colon = t.LastIndexOf(':');
        if (colon > 0)
        {
            t = t[..colon];
        }
        if (!DnsName.TryParse(t, out var name))
        {
            throw d.Err($"unable to normalize '{text}'");
        }
        return DnsName.Parse(name.LowerText);
    }

    private static int Atoi(CorefileDispenser d, string s)
    {
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw d.Err($"strconv.Atoi: parsing \"{s}\": invalid syntax");
        }
        return n;
    }

    private static TimeSpan Duration(CorefileDispenser d, string s)
    {
        if (!GoDuration.TryParse(s, out var v))
        {
            throw d.Err($"time: invalid duration \"{s}\"");
        }
        return v;
    }
}
