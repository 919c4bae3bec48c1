namespace Dns.Plugins.Forward.Policies;

/// <summary>Orders the upstreams for one query (CoreDNS <c>policy</c>).</summary>
internal interface IUpstreamPolicy
{
    /// <summary>The upstreams in the order to try them. May return <paramref name="upstreams"/> itself; callers never mutate it.</summary>
    Upstream[] List(Upstream[] upstreams);

    /// <summary>The policy for an option value.</summary>
    static IUpstreamPolicy For(ForwardPolicy policy) => policy switch
    {
        ForwardPolicy.RoundRobin => new RoundRobinPolicy(),
        ForwardPolicy.Sequential => new SequentialPolicy(),
        _ => new RandomPolicy(),
    };
}
