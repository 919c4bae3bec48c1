namespace Dns.Plugins.Forward.Policies;

/// <summary>
/// CoreDNS <c>round_robin</c>: a counter picks the first upstream; the others follow in configured order with the
/// picked one left out.
/// </summary>
internal sealed class RoundRobinPolicy : IUpstreamPolicy
{
    private uint _robin;

    public Upstream[] List(Upstream[] upstreams)
    {
        var n = (uint)upstreams.Length;
        if (n == 1)
        {
            return upstreams;
        }
        var i = (int)(Interlocked.Increment(ref _robin) % n);
        var list = new Upstream[n];
        list[0] = upstreams[i];
        Array.Copy(upstreams, 0, list, 1, i);
        Array.Copy(upstreams, i + 1, list, i + 1, (int)n - i - 1);
        return list;
    }
}
