using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;
using Dns.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>
/// Runs a <see cref="KubernetesPlugin"/> built from a <c>kubernetes</c> directive over an in-memory cluster, with a
/// next handler that answers a marker TXT (to see fallthrough) and a fake whole-server resolver for ExternalName targets.
/// </summary>
internal sealed class K8sHarness
{
    /// <summary>The marker the next plugin answers with.</summary>
    public const string NextMarker = "next-plugin";

    private K8sHarness(KubernetesPlugin plugin, InMemoryClusterSource source, IDnsResolver? resolver)
    {
        Plugin = plugin;
        Source = source;
        Resolver = resolver;
    }

    public KubernetesPlugin Plugin { get; }

    public InMemoryClusterSource Source { get; }

    public IDnsResolver? Resolver { get; }

    public static K8sHarness Create(
        string body = "",
        ClusterSnapshot? snapshot = null,
        string zones = "cluster.local in-addr.arpa ip6.arpa",
        IPAddress[]? local = null,
        bool withResolver = true)
    {
        var d = CorefileDispenser.FromText($"kubernetes {zones} {{\n{body}\n}}\n");
        var options = KubernetesSetup.Parse(d, ["cluster.local."]);
        var source = new InMemoryClusterSource(snapshot ?? TestCluster.Snapshot());
        var plugin = new KubernetesPlugin(options, source, local ?? [], NullLogger.Instance);
        return new K8sHarness(plugin, source, withResolver ? new FakeUpstream() : null);
    }

    public async Task<DnsMessage?> QueryAsync(DnsCase c)
    {
        var ctx = new DnsContext(c.ToQuery(), DnsTransport.Udp, new IPEndPoint(IPAddress.Parse("10.240.0.1"), 40212)) { Resolver = Resolver };
        await Plugin.InvokeAsync(ctx, Next).ConfigureAwait(false);
        return ctx.Response;
    }

    /// <summary>Runs <paramref name="plugin"/> (e.g. k8s_external) with the same next handler and resolver.</summary>
    public async Task<DnsMessage?> QueryAsync(IDnsPlugin plugin, DnsCase c)
    {
        var ctx = new DnsContext(c.ToQuery(), DnsTransport.Udp, new IPEndPoint(IPAddress.Parse("10.240.0.1"), 40212)) { Resolver = Resolver };
        await plugin.InvokeAsync(ctx, Next).ConfigureAwait(false);
        return ctx.Response;
    }

    public static string NextLine(string qname) => $"{qname} 0 IN TXT \"{NextMarker}\"";

    private static ValueTask Next(DnsContext ctx)
    {
        var m = ctx.Request.CreateResponse();
        m.Answers.Add(new TxtRecord(ctx.QueryName, 0, [NextMarker]));
        ctx.Response = m;
        return default;
    }

    /// <summary>The rest of the server, as seen by ExternalName upstream lookups.</summary>
    private sealed class FakeUpstream : IDnsResolver
    {
        public ValueTask<DnsMessage> ResolveAsync(DnsMessage query, DnsContext origin, CancellationToken cancellationToken = default)
        {
            var q = query.Question;
            var r = query.CreateResponse();
            var name = q.Name.LowerText;
            if (name == "ext.interwebs.test." && q.Type == DnsRecordType.A)
            {
                r.Answers.Add(new ARecord(q.Name, 300, IPAddress.Parse("203.0.113.10")));
            }
            else if (name == "ext.interwebs.test." && q.Type == DnsRecordType.Aaaa)
            {
                r.Answers.Add(new AaaaRecord(q.Name, 300, IPAddress.Parse("2001:db8::10")));
            }
            else if (name == "lb.cloud.test." && q.Type == DnsRecordType.A)
            {
                r.Answers.Add(new ARecord(q.Name, 120, IPAddress.Parse("198.51.100.7")));
            }
            else if (name == "lb.cloud.test." && q.Type == DnsRecordType.Aaaa)
            {
                r.Answers.Add(new AaaaRecord(q.Name, 120, IPAddress.Parse("2001:db8::7")));
            }
            else if (name == "big.interwebs.test.")
            {
                r.Truncated = true;
                r.Answers.Add(new ARecord(q.Name, 60, IPAddress.Parse("203.0.113.20")));
            }
            else
            {
                r.ResponseCode = ResponseCode.NxDomain;
            }
            return ValueTask.FromResult(r);
        }
    }
}
