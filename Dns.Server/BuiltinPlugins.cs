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
        r.Register(new Dns.Plugins.Forward.ForwardSetup());
        r.Register(new Plugins.Cache.CacheSetup());
        return r;
    }
}
