using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// The <c>kubernetes</c> plugin: answers the Kubernetes DNS-Based Service Discovery names from the current cluster
/// snapshot (reference §2). Reports ready once the source has synced.
/// </summary>
public sealed class KubernetesPlugin : IDnsPlugin, IReadinessCheck, IReplaySafe
{
    private readonly IClusterSource _source;
    private readonly ILogger _logger;
    private readonly Fallthrough _fallthrough;
    private readonly ThreadLocal<AnswerCache> _cache = new(static () => new AnswerCache());

    /// <summary>Creates the plugin over <paramref name="source"/>.</summary>
    public KubernetesPlugin(KubernetesOptions options, IClusterSource source, IReadOnlyList<IPAddress> localAddresses, ILogger logger)
    {
        Options = options;
        _source = source;
        _logger = logger;
        Lookup = new KubernetesLookup(options, localAddresses);
        _fallthrough = new Fallthrough(options.Fallthrough);
        // Replies kept in wire form (IReplaySafe) were computed from the old snapshot.
        _source.Changed += static _ => ReplayEpoch.Advance();
    }

    /// <inheritdoc/>
    public string Name => "kubernetes";

    /// <summary>The options.</summary>
    public KubernetesOptions Options { get; }

    /// <summary>The cluster data.</summary>
    public IClusterSource Source => _source;

    /// <summary>True once every required resource has been listed.</summary>
    public bool IsReady => _source.Current.Synced;

    internal KubernetesLookup Lookup { get; }

    /// <summary>The <c>search</c> domains of the server's own resolv.conf (FQDNs), appended by <see cref="AutoPath"/>.</summary>
    internal IReadOnlyList<string> AutoPathSearch { get; set; } = [];

    /// <summary>
    /// The search path of the client pod for <c>autopath @kubernetes</c> (autopath.go): <c>&lt;podns&gt;.svc.&lt;zone&gt;</c>,
    /// <c>svc.&lt;zone&gt;</c>, <c>&lt;zone&gt;</c>, the server's own search domains and "" last. Null when the name is outside
    /// the plugin's zones, <c>pods verified</c> is not set, or no pod has the client's address.
    /// </summary>
    public IReadOnlyList<string>? AutoPath(DnsContext context)
    {
        var zoneIndex = Lookup.MatchZone(context.QueryName);
        if (zoneIndex < 0 || Options.Pods != PodMode.Verified)
        {
            return null;
        }
        var ip = context.RemoteAddress;
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var pods = _source.Current.PodsByIP(ip);
        if (pods.Count == 0)
        {
            return null;
        }
        var ns = pods[0].Namespace;
        var zone = Options.Zones[zoneIndex];
        var search = new List<string>(4 + AutoPathSearch.Count);
        if (zone == ".")
        {
            search.Add(ns + ".svc.");
            search.Add("svc.");
            search.Add(".");
        }
        else
        {
            search.Add(ns + ".svc." + zone);
            search.Add("svc." + zone);
            search.Add(zone);
        }
        search.AddRange(AutoPathSearch);
        search.Add("");
        return search;
    }

    /// <summary>Starts the source and waits up to <c>startup_timeout</c> for it to sync, then serves anyway (reference §2.12).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _source.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_source.Current.Synced)
        {
            return;
        }
        KubernetesLog.WaitingForApi(_logger);
        if (!await _source.WaitForSyncAsync(Options.StartupTimeout, cancellationToken).ConfigureAwait(false))
        {
            KubernetesLog.StartingUnsynced(_logger);
        }
    }

    /// <inheritdoc/>
    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var qname = context.QueryName;
        var zoneIndex = Lookup.MatchZone(qname);
        if (zoneIndex < 0)
        {
            return next(context);
        }
        var snap = _source.Current;
        var qtype = context.QueryType;
        var cache = _cache.Value!;
        if (cache.TryGet(snap, qname, qtype, out var cached))
        {
            return Replay(context, next, cached);
        }
        var result = Lookup.Lookup(snap, qname, qtype, zoneIndex);
        if (result.Upstream is not null && result.Status == LookupStatus.Ok)
        {
            // Depends on the rest of the server: not cached.
            context.DisableReplay();
            return ResolveUpstreamAsync(context, next, snap, zoneIndex, result);
        }
        var decided = Decide(context, snap, zoneIndex, result);
        cache.Add(snap, qname, qtype, decided);
        return Replay(context, next, decided);
    }

    private static ValueTask Replay(DnsContext context, DnsRequestDelegate next, CachedAnswer a)
    {
        switch (a.Kind)
        {
            case CachedKind.Next:
                return next(context);
            case CachedKind.Refused:
                context.Fail(ResponseCode.Refused);
                return default;
        }
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        m.ResponseCode = a.Rcode;
        m.Answers.AddRange(a.Answer);
        m.Authority.AddRange(a.Authority);
        m.Additional.AddRange(a.Additional);
        context.Response = m;
        return default;
    }

    private async ValueTask ResolveUpstreamAsync(DnsContext context, DnsRequestDelegate next, ClusterSnapshot snap, int zoneIndex, LookupResult result)
    {
        var truncated = false;
        var resolver = context.Resolver;
        foreach (var cname in result.Upstream!)
        {
            if (resolver is null)
            {
                continue;
            }
            DnsMessage reply;
            try
            {
                reply = await resolver.ResolveAsync(DnsMessage.CreateQuery(cname.Target, context.QueryType), context, context.Aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The upstream lookup failed: the CNAME is dropped (backend_lookup.go A/AAAA).
                KubernetesLog.UpstreamFailed(_logger, cname.Target.Text, ex);
                continue;
            }
            truncated |= reply.Truncated;
            result.Answer.Add(cname);
            foreach (var rr in reply.Answers)
            {
                if (!result.Answer.Contains(rr))
                {
                    result.Answer.Add(rr);
                }
            }
        }
        await Finish(context, next, snap, zoneIndex, result, truncated).ConfigureAwait(false);
    }

    private ValueTask Finish(DnsContext context, DnsRequestDelegate next, ClusterSnapshot snap, int zoneIndex, LookupResult result, bool truncated)
    {
        var decided = Decide(context, snap, zoneIndex, result);
        var vt = Replay(context, next, decided);
        if (truncated && context.Response is { } m)
        {
            m.Truncated = true;
        }
        return vt;
    }

    /// <summary>Turns a lookup into the reply CoreDNS writes (handler.go): fallthrough, SERVFAIL before sync, NXDOMAIN/NODATA with the SOA, or the records.</summary>
    private CachedAnswer Decide(DnsContext context, ClusterSnapshot snap, int zoneIndex, LookupResult result)
    {
        var qname = context.QueryName;
        switch (result.Status)
        {
            case LookupStatus.Refused:
                return new CachedAnswer { Kind = CachedKind.Refused };
            case LookupStatus.NameError:
                if (_fallthrough.Through(qname))
                {
                    return new CachedAnswer { Kind = CachedKind.Next };
                }
                // Before the first sync a missing name may just not be known yet (reference §2.12).
                return Negative(context, snap, zoneIndex, snap.Synced ? ResponseCode.NxDomain : ResponseCode.ServFail);
        }
        if (result.Answer.Count == 0)
        {
            return Negative(context, snap, zoneIndex, ResponseCode.NoError);
        }
        return new CachedAnswer { Kind = CachedKind.Respond, Answer = [.. result.Answer], Additional = [.. result.Extra] };
    }

    private CachedAnswer Negative(DnsContext context, ClusterSnapshot snap, int zoneIndex, ResponseCode code) => new()
    {
        Kind = CachedKind.Respond,
        Rcode = code,
        Authority = [Lookup.Soa(Lookup.SpelledZone(context.QueryName, zoneIndex), snap.Serial)],
    };
}
