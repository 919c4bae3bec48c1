using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Hosts;

/// <summary>
/// Answers A, AAAA and PTR from hosts data, as CoreDNS's <c>hosts</c>: authoritative answers, owner names
/// lower-cased, no SOA ever. A name that is absent (no A and no AAAA) falls through when <c>fallthrough</c> covers
/// it, otherwise the chain returns SERVFAIL unwritten ("we don't have a SOA"); a name that exists but has no record
/// of the asked type gets an authoritative NODATA (NOERROR, empty answer). PTR queries are answered for any zone and
/// always fall through when the address is unknown.
/// </summary>
internal sealed class HostsPlugin : IDnsPlugin, IReplaySafe
{
    private readonly HostsOptions _options;
    private readonly HostsData _data;
    private readonly DnsName[] _origins;
    private readonly DnsName[]? _fallthrough;

    public HostsPlugin(HostsOptions options, HostsData data)
    {
        _options = options;
        _data = data;
        _origins = Dns.Core.Lists.ToArray(options.Origins);
        _fallthrough = options.Fallthrough is null ? null : Dns.Core.Lists.ToArray(options.Fallthrough);
    }

    public string Name => "hosts";

    internal HostsOptions Options => _options;

    internal HostsData Data => _data;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var qname = context.QueryName;
        var qtype = context.QueryType;
        if (!Matches(_origins, qname) && qtype != DnsRecordType.Ptr)
        {
            return next(context);
        }
        var snapshot = _data.Snapshot;
        DnsRecord[]? answers = null;
        HostsSnapshot.Entry? entry = null;
        var entryLooked = false;
        switch (qtype)
        {
            case DnsRecordType.Ptr:
                var addr = HostsSnapshot.AddressFromReverse(qname);
                var ptrs = addr is null ? null : snapshot.FindReverse(addr);
                if (ptrs is null)
                {
                    // An unknown address is never ours, whatever fallthrough says.
                    return next(context);
                }
                answers = WithOwner(ptrs, qname);
                break;
            case DnsRecordType.A:
                entry = snapshot.Find(qname);
                entryLooked = true;
                answers = entry is null ? null : WithOwner(entry.A, qname);
                break;
            case DnsRecordType.Aaaa:
                entry = snapshot.Find(qname);
                entryLooked = true;
                answers = entry is null ? null : WithOwner(entry.Aaaa, qname);
                break;
        }
        if (answers is null || answers.Length == 0)
        {
            if (!entryLooked)
            {
                entry = snapshot.Find(qname);
            }
            var exists = entry is not null && (entry.A.Length > 0 || entry.Aaaa.Length > 0);
            if (!exists)
            {
                if (Matches(_fallthrough, qname))
                {
                    return next(context);
                }
                // CoreDNS: "we want to send an NXDOMAIN, but because of /etc/hosts' setup we don't have a SOA".
                context.Fail(ResponseCode.ServFail);
                return default;
            }
            if (_options.FallthroughUnsupported && qtype is not (DnsRecordType.A or DnsRecordType.Aaaa or DnsRecordType.Ptr) && Matches(_fallthrough, qname))
            {
                return next(context);
            }
        }
        var reply = context.Request.CreateResponse();
        reply.AuthoritativeAnswer = true;
        if (answers is not null)
        {
            reply.Answers.AddRange(answers);
        }
        context.Response = reply;
        return default;
    }

    private static bool Matches(DnsName[]? zones, DnsName name)
    {
        if (zones is null)
        {
            return false;
        }
        foreach (var z in zones)
        {
            if (name.IsSubdomainOf(z))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The records with the query name, lower-cased, as owner (CoreDNS answers with <c>state.Name()</c>). Pre-built
    /// records already carry it unless the query came through a wildcard or a differently written reverse name.
    /// </summary>
    private static DnsRecord[] WithOwner(DnsRecord[] records, DnsName qname)
    {
        // Pre-built owners are lower-case: equal text means the query was spelled that way too.
        if (records.Length == 0 || string.Equals(records[0].Name.Text, qname.Text, StringComparison.Ordinal))
        {
            return records;
        }
        var owner = qname.LowerText == qname.Text ? qname : DnsName.Parse(qname.LowerText);
        var copy = new DnsRecord[records.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = records[i].WithName(owner);
        }
        return copy;
    }
}
