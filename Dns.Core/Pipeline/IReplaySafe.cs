namespace Dns.Core.Pipeline;

/// <summary>
/// Marks a plugin whose effect on a reply depends only on the request's bytes (after its ID) and on data whose every
/// change advances <see cref="ReplayEpoch"/>. A server block whose chain consists of such plugins lets the server keep
/// its UDP replies in wire form and replay them for the same request bytes without running the chain. A marked
/// plugin that, for one query, does depend on anything else (the client's address, the clock, an upstream, its own
/// cache) calls <see cref="DnsContext.DisableReplay"/>; one that updates metrics registers the counters with
/// <see cref="DnsContext.CountOnReplay"/> so a replay counts them too.
/// </summary>
public interface IReplaySafe
{
}
