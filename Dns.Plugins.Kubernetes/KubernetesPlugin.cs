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
public sealed class KubernetesPlugin : IDnsPlugin, IReadinessCheck
{
    private readonly IClusterSource _source;
    private readonly ILogger _logger;
    private readonly Fallthrough _fallthrough;

    /// <summary>Creates the plugin over <paramref name="source"/>.</summary>
    public KubernetesPlugin(KubernetesOptions options, IClusterSource source, IReadOnlyList<IPAddress> localAddresses, ILogger logger)
    {
        Options = options;
        _source = source;
        _logger = logger;
        Lookup = new KubernetesLookup(options, localAddresses);
        _fallthrough = new Fallthrough(options.Fallthrough);
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
        var result = Lookup.Lookup(snap, qname, context.QueryType, zoneIndex);
        if (result.Upstream is not null && result.Status == LookupStatus.Ok)
        {
            return ResolveUpstreamAsync(context, next, snap, zoneIndex, result);
        }
        return Finish(context, next, snap, zoneIndex, result, truncated: false);
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
        var qname = context.QueryName;
        switch (result.Status)
        {
            case LookupStatus.Refused:
                context.Fail(ResponseCode.Refused);
                return default;
            case LookupStatus.NameError:
                if (_fallthrough.Through(qname))
                {
                    return next(context);
                }
                // Before the first sync a missing name may just not be known yet (reference §2.12).
                Negative(context, snap, zoneIndex, snap.Synced ? ResponseCode.NxDomain : ResponseCode.ServFail);
                return default;
        }
        if (result.Answer.Count == 0)
        {
            Negative(context, snap, zoneIndex, ResponseCode.NoError);
            return default;
        }
        var m = context.Request.CreateResponse();
        m.AuthoritativeAnswer = true;
        m.Truncated = truncated;
        m.Answers.AddRange(result.Answer);
        m.Additional.AddRange(result.Extra);
        context.Response = m;
        return default;
    }

    private void Negative(DnsContext context, ClusterSnapshot snap, int zoneIndex, ResponseCode code)
    {
        var m = context.Request.CreateResponse();
        m.ResponseCode = code;
        m.AuthoritativeAnswer = true;
        m.Authority.Add(Lookup.Soa(Lookup.SpelledZone(context.QueryName, zoneIndex), snap.Serial));
        context.Response = m;
    }
}
