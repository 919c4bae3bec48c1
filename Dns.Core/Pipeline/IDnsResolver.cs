using Dns.Core.Protocol;

namespace Dns.Core.Pipeline;

/// <summary>Resolves a query through the whole server (routing and plugin chain), as CoreDNS's upstream lookups do.</summary>
public interface IDnsResolver
{
    /// <summary>Runs <paramref name="query"/> through the server; the reply is never null (SERVFAIL/REFUSED when nothing answered).</summary>
    ValueTask<DnsMessage> ResolveAsync(DnsMessage query, DnsContext origin, CancellationToken cancellationToken = default);
}
