using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Any;

/// <summary>
/// Answers qtype ANY with one synthesized HINFO record (RFC 8482 §4.2), as CoreDNS's <c>any</c> plugin: TTL 8482,
/// class IN, owner as spelled in the query, no AA. Other types go to the next plugin.
/// </summary>
internal sealed class AnyPlugin : IDnsPlugin
{
    /// <summary>TTL of the synthesized record; CoreDNS uses the RFC's number.</summary>
    internal const uint Ttl = 8482;

    public string Name => "any";

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (context.QueryType != DnsRecordType.Any)
        {
            return next(context);
        }
        var reply = context.Request.CreateResponse();
        reply.Answers.Add(new HinfoRecord(context.QueryName, Ttl, "ANY obsoleted", "See RFC 8482", DnsClass.In));
        context.Response = reply;
        return default;
    }
}
