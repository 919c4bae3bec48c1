namespace Dns.Plugins.Forward.Policies;

/// <summary>A random order per query (CoreDNS <c>random</c>: two upstreams are swapped half of the time).</summary>
internal sealed class RandomPolicy : IUpstreamPolicy
{
    public Upstream[] List(Upstream[] upstreams)
    {
        switch (upstreams.Length)
        {
            case 1:
                return upstreams;
            case 2:
                return Random.Shared.Next(2) == 0 ? upstreams : [upstreams[1], upstreams[0]];
            default:
                var copy = (Upstream[])upstreams.Clone();
                Random.Shared.Shuffle(copy);
                return copy;
        }
    }
}
