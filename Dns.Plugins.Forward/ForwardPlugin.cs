using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>
/// Relays queries under FROM to upstream resolvers and returns their replies as they are, with the client's ID
/// (CoreDNS <c>plugin/forward</c>). Completes asynchronously; never blocks a thread on I/O.
/// </summary>
internal sealed class ForwardPlugin : IDnsPlugin, IDisposable, IReplaySafe
{
    private static readonly string LoopError = "forwarding loop: query forwarded through this server " + LoopGuard.MaxHops.ToString(System.Globalization.CultureInfo.InvariantCulture) + " times";

    /// <summary>CoreDNS's overall per-query deadline (<c>defaultTimeout</c>).</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly ForwardOptions _o;
    private readonly ForwardMetrics _metrics;
    private readonly UpstreamPool _pool;
    private readonly bool _nextIsForward;
    private readonly string _limitError;
    private long _concurrent;

    public ForwardPlugin(ForwardOptions options, ForwardMetrics metrics, bool nextIsForward)
    {
        _o = options;
        _metrics = metrics;
        _pool = new UpstreamPool(options, metrics);
        _nextIsForward = nextIsForward;
        _limitError = "concurrent queries exceeded maximum " + options.MaxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Name => "forward";

    internal ForwardOptions Options => _o;

    internal UpstreamPool Pool => _pool;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (!Matches(context.QueryName))
        {
            return next(context);
        }
        // An upstream's reply is the upstream's: never replayed.
        context.DisableReplay();
        if (_o.MaxConcurrent > 0)
        {
            if (Interlocked.Increment(ref _concurrent) > _o.MaxConcurrent)
            {
                Interlocked.Decrement(ref _concurrent);
                _metrics.MaxConcurrentRejects.Inc();
                context.Fail(ResponseCode.Refused, _limitError);
                return default;
            }
            return LimitedAsync(context, next);
        }
        return new ValueTask(ForwardAsync(context, next));
    }

    private async ValueTask LimitedAsync(DnsContext context, DnsRequestDelegate next)
    {
        try
        {
            await ForwardAsync(context, next).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    /// <summary>FROM matches and the name is not under an <c>except</c> (FROM itself always matches).</summary>
    internal bool Matches(DnsName name)
    {
        if (!name.IsSubdomainOf(_o.From))
        {
            return false;
        }
        if (name.Equals(_o.From))
        {
            return true;
        }
        foreach (var e in _o.Except)
        {
            if (name.IsSubdomainOf(e))
            {
                return false;
            }
        }
        return true;
    }

    private async Task ForwardAsync(DnsContext ctx, DnsRequestDelegate next)
    {
        var hops = LoopGuard.HopsOf(ctx.RemoteEndPoint);
        if (hops >= LoopGuard.MaxHops)
        {
            ctx.Fail(ResponseCode.ServFail, LoopError);
            return;
        }
        var upstreams = _pool.All;
        var list = _pool.List();
        var n = upstreams.Length;
        var started = Environment.TickCount64;
        var deadlineMs = (long)Deadline.TotalMilliseconds;
        var maxAttempts = _o.EffectiveMaxConnectAttempts;
        var i = 0;
        var fails = 0;
        var attempts = 0;
        string? upstreamError = null;
        while (!ctx.Aborted.IsCancellationRequested && (maxAttempts == 0 || attempts < maxAttempts))
        {
            var remaining = deadlineMs - (Environment.TickCount64 - started);
            if (remaining <= 0)
            {
                break;
            }
            if (i >= list.Length)
            {
                // Reached the end of the list: start again from the beginning.
                i = 0;
                fails = 0;
            }
            var proxy = list[i++];
            if (proxy.IsDown(_o.MaxFails))
            {
                fails++;
                if (fails < n)
                {
                    continue;
                }
                _metrics.HealthcheckBroken.Inc();
                if (_o.FailfastAllUnhealthyUpstreams)
                {
                    break;
                }
                // Every upstream is down: assume health checking itself is broken and try a random one.
                proxy = _pool.Random();
            }

            // CoreDNS request.Proto: only UDP clients are "udp"; TCP, DoT, DoH and gRPC clients are "tcp".
            var tcp = _o.ForceTcp || (ctx.Transport is not (DnsTransport.Udp or DnsTransport.Internal) && !_o.PreferUdp);
            ExchangeResult r;
            while (true)
            {
                r = await ExchangeOnceAsync(proxy, ctx, tcp, remaining, hops).ConfigureAwait(false);
                if (r.CachedClosed)
                {
                    continue;
                }
                if (r.Reply is { Truncated: true } && !tcp && !_o.ForceTcp && _o.PreferUdp)
                {
                    // prefer_udp: a truncated UDP reply is retried over TCP (CoreDNS forward.go).
                    tcp = true;
                    continue;
                }
                break;
            }

            if (r.Reply is not { } reply)
            {
                upstreamError = r.Error;
                if (_o.MaxFails != 0)
                {
                    proxy.Health?.Trigger();
                }
                if (maxAttempts > 0 && ++attempts >= maxAttempts)
                {
                    break;
                }
                if (fails < n)
                {
                    continue;
                }
                break;
            }

            if (!MatchesQuestion(ctx.Request, reply))
            {
                // CoreDNS answers a reply to another question with FORMERR (written, not an error).
                ctx.Response = ctx.Request.CreateErrorResponse(ResponseCode.FormErr);
                return;
            }

            if (_o.FailoverRcodes.Count > 0 && Contains(_o.FailoverRcodes, reply.ResponseCode) && fails < n && i < list.Length)
            {
                // Try the next upstream; the last one's reply is returned whatever its rcode.
                fails++;
                continue;
            }

            if (_nextIsForward && (Contains(_o.NextRcodes, reply.ResponseCode)
                || (_o.NextOnNoData && reply.ResponseCode == ResponseCode.NoError && reply.Answers.Count == 0)))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            reply.Id = ctx.Request.Id;
            ctx.Response = reply;
            return;
        }
        ctx.Fail(ResponseCode.ServFail, upstreamError ?? "no healthy proxies");
    }

    private async ValueTask<ExchangeResult> ExchangeOnceAsync(Upstream proxy, DnsContext ctx, bool tcp, long remainingMs, int hops)
    {
        var timeout = Math.Min((long)_o.ReadTimeout.TotalMilliseconds, remainingMs);
        using var cts = ctx.Aborted.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(ctx.Aborted)
            : new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(timeout));
        return await proxy.ExchangeAsync(ctx.Request, tcp, cts.Token, hops: hops).ConfigureAwait(false);
    }

    /// <summary>CoreDNS <c>request.Match</c>: one question, QR set, same name (case-insensitive) and type.</summary>
    internal static bool MatchesQuestion(DnsMessage request, DnsMessage reply) =>
        reply.Questions.Count == 1
        && reply.IsResponse
        && reply.Questions[0].Name.Equals(request.Question.Name)
        && reply.Questions[0].Type == request.Question.Type;

    private static bool Contains(IReadOnlyList<ResponseCode> list, ResponseCode code)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == code)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose() => _pool.Dispose();
}
