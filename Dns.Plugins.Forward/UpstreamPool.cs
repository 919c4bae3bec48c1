using Dns.Plugins.Forward.Policies;

namespace Dns.Plugins.Forward;

/// <summary>The upstreams of one forward directive, their health checkers and the selection policy.</summary>
internal sealed class UpstreamPool : IDisposable
{
    private readonly IUpstreamPolicy _policy;

    public UpstreamPool(ForwardOptions options, ForwardMetrics metrics)
    {
        var list = new Upstream[options.Upstreams.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var u = new Upstream(options.Upstreams[i], options, metrics);
            if (options.MaxFails != 0)
            {
                u.Health = new HealthChecker(u, options);
            }
            list[i] = u;
        }
        All = list;
        _policy = IUpstreamPolicy.For(options.Policy);
    }

    /// <summary>In configured order.</summary>
    public Upstream[] All { get; }

    /// <summary>The order for one query.</summary>
    public Upstream[] List() => _policy.List(All);

    /// <summary>A uniformly random upstream (the fallback when every one is down).</summary>
    public Upstream Random() => All[System.Random.Shared.Next(All.Length)];

    public void Dispose()
    {
        foreach (var u in All)
        {
            u.Dispose();
        }
    }
}
