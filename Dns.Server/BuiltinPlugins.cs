using Dns.Core.Pipeline;

namespace Dns.Server;

/// <summary>Every directive this build knows (CoreDNS's <c>plugin.cfg</c> for us).</summary>
public static class BuiltinPlugins
{
    /// <summary>A registry with all plugins registered.</summary>
    public static PluginRegistry Create()
    {
        var r = new PluginRegistry();
        r.Register(new Plugins.Whoami.WhoamiSetup());
        r.Register(new Plugins.Errors.ErrorsSetup());
        r.Register(new Plugins.Log.LogSetup());
        r.Register(new Plugins.Hosts.HostsSetup());
        r.Register(new Plugins.Chaos.ChaosSetup());
        r.Register(new Plugins.Any.AnySetup());
        r.Register(new Plugins.Bind.BindSetup());
        r.Register(new Plugins.Bufsize.BufsizeSetup());
        r.Register(new Plugins.Health.HealthSetup());
        r.Register(new Plugins.Ready.ReadySetup());
        r.Register(new Plugins.Metrics.MetricsSetup());
        r.Register(new Plugins.Reload.ReloadSetup());
        r.Register(new Plugins.Loop.LoopSetup());
        r.Register(new Plugins.Loadbalance.LoadbalanceSetup());
        // Its own assembly, loaded only when a Corefile uses forward.
        r.Register("forward", static () => new Dns.Plugins.Forward.ForwardSetup());
        r.Register(new Dns.Plugins.Kubernetes.KubernetesSetup());
        r.Register(new Dns.Plugins.Kubernetes.External.ExternalSetup());
        r.Register(new Plugins.Cache.CacheSetup());
        return r;
    }
}
