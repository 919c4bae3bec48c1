using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary>
/// Caches replies of the plugins after it (CoreDNS <c>plugin/cache</c>): a success and a denial cache keyed on
/// name, type, class, DO and CD; TTLs clamped on the way in and counted down on the way out; prefetch of popular
/// entries and serving of stale ones when configured.
/// </summary>
internal sealed class CachePlugin : IDnsPlugin, IReplaySafe
{
    private readonly CacheOptions _o;
    private readonly CacheMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DnsName[] _zones;
    private readonly string _zonesLabel;
    private readonly long _staleTicks;

    public CachePlugin(CacheOptions options, CacheMetrics metrics, TimeProvider time)
    {
        _o = options;
        _metrics = metrics;
        _time = time;
        _zones = Dns.Core.Lists.ToArray(options.Zones);
        var labels = new string[_zones.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = _zones[i].Text;
        }
        _zonesLabel = string.Join(',', labels);
        _staleTicks = options.ServeStale.Ticks;
        Success = new ShardedCache(options.SuccessCapacity);
        Denial = new ShardedCache(options.DenialCapacity);
    }

    public string Name => "cache";

    internal ShardedCache Success { get; }

    internal ShardedCache Denial { get; }

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (!InZones(context.QueryName))
        {
            return next(context);
        }
        var request = context.Request;
        var m = _metrics.For(context.Server, _zonesLabel);
        var now = _time.GetUtcNow().UtcTicks;
        var key = CacheKey.For(request);
        var item = Lookup(context, key, now, m);
        if (item is null)
        {
            // A miss whose reply is not stored replays as a miss; one that is stored disables replay in Store.
            return MissAsync(context, next, key, m);
        }
        var ttl = item.Ttl(now);
        if (ttl <= 0 || _o.Prefetch > 0)
        {
            // Stale serving and prefetch decide per hit; a reply at TTL 0 is about to expire.
            context.DisableReplay();
        }
        else
        {
            // The reply's TTLs stay the same until the entry's age reaches its next whole second.
            context.LimitReplay(_time, item.StoredTicks + ((item.OriginalTtl - ttl + 1) * TimeSpan.TicksPerSecond));
        }
        if (ttl < 0)
        {
            if (_o.VerifyStale)
            {
                return VerifyStaleAsync(context, next, key, item, m);
            }
            // RFC 8767 §4 "immediate": answer from the stale entry with TTL 0, refresh in the background.
            StartRefresh(context, next, key, item, m);
            m.ServedStale.Inc();
            ttl = 0;
        }
        else if (ShouldPrefetch(item, now))
        {
            StartRefresh(context, next, key, item, m);
        }
        if (_o.KeepTtl)
        {
            ttl = (int)item.OriginalTtl;
        }
        context.Response = item.ToResponse(request, (uint)ttl, request.Opt?.DnssecOk == true);
        return default;
    }

    private bool InZones(DnsName name)
    {
        foreach (var z in _zones)
        {
            if (name.IsSubdomainOf(z))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>CoreDNS <c>getIgnoreTTL</c>: denial cache first; a live entry, or a stale one inside the serve_stale window.</summary>
    private CacheItem? Lookup(DnsContext context, in CacheKey key, long now, CacheMetrics.ServerMetrics m)
    {
        m.Requests.Inc();
        context.CountOnReplay(m.Requests);
        if (Denial.TryGet(key, out var n) && Usable(n, now))
        {
            m.DenialHits.Inc();
            context.CountOnReplay(m.DenialHits);
            return n;
        }
        if (Success.TryGet(key, out var p) && Usable(p, now))
        {
            m.SuccessHits.Inc();
            context.CountOnReplay(m.SuccessHits);
            return p;
        }
        m.Misses.Inc();
        context.CountOnReplay(m.Misses);
        return null;
    }

    private bool Usable(CacheItem item, long now)
    {
        var ttl = item.Ttl(now);
        return ttl > 0 || (_staleTicks > 0 && -(long)ttl * TimeSpan.TicksPerSecond < _staleTicks);
    }

    private bool ShouldPrefetch(CacheItem item, long now)
    {
        if (_o.Prefetch <= 0)
        {
            return false;
        }
        var hits = item.CountHit(_o.PrefetchDuration, now);
        var threshold = (int)Math.Ceiling(_o.PrefetchPercentage / 100.0 * item.OriginalTtl);
        return hits >= _o.Prefetch && item.Ttl(now) <= threshold;
    }

    private async ValueTask MissAsync(DnsContext ctx, DnsRequestDelegate next, CacheKey key, CacheMetrics.ServerMetrics m)
    {
        await next(ctx).ConfigureAwait(false);
        var written = Store(ctx, key, m);
        if (written is not null)
        {
            ctx.Response = written;
        }
    }

    private async ValueTask VerifyStaleAsync(DnsContext ctx, DnsRequestDelegate next, CacheKey key, CacheItem stale, CacheMetrics.ServerMetrics m)
    {
        await next(ctx).ConfigureAwait(false);
        var res = ctx.Response;
        if (ctx.Error is null && res is not null && !res.Truncated && Matches(ctx.Request, res)
            && res.ResponseCode is ResponseCode.NoError or ResponseCode.NxDomain
            && ResponseClassifier.Classify(res) is not (ResponseClass.OtherError or ResponseClass.Meta or ResponseClass.Update))
        {
            // RFC 8767 §4: a fresh answer replaces the stale one.
            ctx.Response = Store(ctx, key, m) ?? res;
            return;
        }
        m.ServedStale.Inc();
        ctx.Error = null;
        ctx.ResponsePlugin = Name;
        ctx.Response = stale.ToResponse(ctx.Request, _o.KeepTtl ? stale.OriginalTtl : 0, ctx.Request.Opt?.DnssecOk == true);
    }

    private void StartRefresh(DnsContext ctx, DnsRequestDelegate next, CacheKey key, CacheItem item, CacheMetrics.ServerMetrics m)
    {
        if (!item.TryStartRefresh())
        {
            return;
        }
        m.Prefetches.Inc();
        // The refresh has no client: it runs as a TCP query so the reply is not truncated (CoreDNS does the same),
        // on its own copy of the request so later plugins may change it while the client's reply is written.
        var refresh = new DnsContext(ctx.Request.Clone(), DnsTransport.Tcp, ctx.RemoteEndPoint, ctx.LocalEndPoint)
        {
            Server = ctx.Server,
            Zone = ctx.Zone,
            MaxUdpSize = ctx.MaxUdpSize,
            Resolver = ctx.Resolver,
            Depth = ctx.Depth,
            StartTimestamp = ctx.StartTimestamp,
        };
        _ = Task.Run(async () =>
        {
            try
            {
                await next(refresh).ConfigureAwait(false);
                Store(refresh, key, m);
                if (item.Hits > 0 && (Success.TryGet(key, out var fresh) || Denial.TryGet(key, out fresh)) && !ReferenceEquals(fresh, item))
                {
                    // Keep the popularity gathered so far (CoreDNS doPrefetch).
                    fresh.ResetFrequency(_time.GetUtcNow().UtcTicks, item.Hits);
                }
            }
            catch (Exception)
            {
                // A failed refresh leaves the entry as it was; the next hit may try again.
            }
            finally
            {
                item.EndRefresh();
            }
        });
    }

    /// <summary>
    /// CoreDNS's cache ResponseWriter: classify the reply, compute its cache duration, store it when cacheable and
    /// return the reply to send, with every TTL set to that duration. Null when the chain failed with an error
    /// (nothing was "written", so nothing is cached or changed).
    /// </summary>
    private DnsMessage? Store(DnsContext ctx, in CacheKey key, CacheMetrics.ServerMetrics m)
    {
        var res = ctx.Response;
        if (res is null || ctx.Error is not null)
        {
            return null;
        }
        var cls = ResponseClassifier.Classify(res);
        TimeSpan duration;
        switch (cls)
        {
            case ResponseClass.NameError or ResponseClass.NoData:
                duration = Clamp(ResponseClassifier.MinimalTtl(res, cls, _o.DenialMaxTtl), _o.DenialMinTtl, _o.DenialMaxTtl);
                break;
            case ResponseClass.ServerError:
                duration = _o.ServfailTtl;
                break;
            default:
                duration = Clamp(ResponseClassifier.MinimalTtl(res, cls, _o.SuccessMaxTtl), _o.SuccessMinTtl, _o.SuccessMaxTtl);
                break;
        }
        var ttl = (uint)duration.TotalSeconds;
        var stored = new DnsMessage
        {
            Id = res.Id,
            IsResponse = res.IsResponse,
            OpCode = res.OpCode,
            AuthoritativeAnswer = res.AuthoritativeAnswer,
            Truncated = res.Truncated,
            RecursionDesired = res.RecursionDesired,
            RecursionAvailable = res.RecursionAvailable,
            AuthenticData = res.AuthenticData,
            CheckingDisabled = res.CheckingDisabled,
            ResponseCode = res.ResponseCode,
        };
        stored.Questions.AddRange(res.Questions);
        stored.Answers.AddRange(CacheItem.WithTtl(res.Answers, ttl));
        stored.Authority.AddRange(CacheItem.WithTtl(res.Authority, ttl));
        stored.Additional.AddRange(CacheItem.WithTtl(res.Additional, ttl));

        var cacheable = !res.Truncated && cls is not (ResponseClass.OtherError or ResponseClass.Meta or ResponseClass.Update);
        if (cacheable && ttl > 0)
        {
            if (Matches(ctx.Request, res))
            {
                if (Set(stored, key, cls, ttl, m))
                {
                    // Later queries are this cache's hits, with falling TTLs.
                    ctx.DisableReplay();
                }
            }
            else
            {
                m.Drops.Inc();
                ctx.DisableReplay();
            }
        }

        // What the client gets: a copy (the stored message stays untouched), the upstream's OPT options kept.
        var reply = stored.Clone();
        reply.Opt = res.Opt;
        var doBit = ctx.Request.Opt?.DnssecOk == true;
        if (!doBit && !ctx.Request.AuthenticData)
        {
            // RFC 6840 §5.7-5.8: AD only for clients that asked for it.
            reply.AuthenticData = false;
        }
        return reply;
    }

    /// <summary>Stores the reply unless its class is disabled for the name; returns whether it was stored.</summary>
    private bool Set(DnsMessage stored, in CacheKey key, ResponseClass cls, uint ttl, CacheMetrics.ServerMetrics m)
    {
        var item = new CacheItem(stored, _time.GetUtcNow().UtcTicks, ttl);
        switch (cls)
        {
            case ResponseClass.NoError or ResponseClass.Delegation:
                if (Under(key.Name, _o.DisableSuccess))
                {
                    return false;
                }
                if (Success.Add(key, item))
                {
                    m.SuccessEvictions.Inc();
                }
                break;
            case ResponseClass.NameError or ResponseClass.NoData or ResponseClass.ServerError:
                if (Under(key.Name, _o.DisableDenial))
                {
                    return false;
                }
                if (Denial.Add(key, item))
                {
                    m.DenialEvictions.Inc();
                }
                break;
            default:
                return false;
        }
        m.SuccessEntries.Set(Success.Count);
        m.DenialEntries.Set(Denial.Count);
        return true;
    }

    private static bool Under(DnsName name, IReadOnlyList<DnsName> zones)
    {
        for (var i = 0; i < zones.Count; i++)
        {
            if (name.IsSubdomainOf(zones[i]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>CoreDNS <c>request.Match</c>: one question, QR set, same name and type.</summary>
    private static bool Matches(DnsMessage request, DnsMessage reply) =>
        reply.Questions.Count == 1
        && reply.IsResponse
        && reply.Questions[0].Name.Equals(request.Question.Name)
        && reply.Questions[0].Type == request.Question.Type;

    /// <summary>CoreDNS <c>computeTTL</c>: raised to the minimum first, then capped (the maximum wins a conflict).</summary>
    private static TimeSpan Clamp(TimeSpan v, TimeSpan min, TimeSpan max)
    {
        var t = v < min ? min : v;
        return t > max ? max : t;
    }
}
