using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>Outcome of one exchange with one upstream: a reply, or a network error (CoreDNS's <c>err</c>).</summary>
internal readonly record struct ExchangeResult(DnsMessage? Reply, string? Error, bool CachedClosed = false)
{
    public static ExchangeResult Fail(string error) => new(null, error);

    /// <summary>A pooled connection turned out to be closed by the peer: try again on a fresh one.</summary>
    public static readonly ExchangeResult Closed = new(null, "cached connection was closed by peer", CachedClosed: true);
}
