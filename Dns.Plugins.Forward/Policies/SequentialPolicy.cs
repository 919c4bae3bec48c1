namespace Dns.Plugins.Forward.Policies;

/// <summary>CoreDNS <c>sequential</c>: always the configured order.</summary>
internal sealed class SequentialPolicy : IUpstreamPolicy
{
    public Upstream[] List(Upstream[] upstreams) => upstreams;
}
