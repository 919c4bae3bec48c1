namespace Dns.Core.Pipeline;

/// <summary>
/// CoreDNS's <c>plugin.cfg</c> order (reference §4.4): the chain runs in this order whatever the Corefile order.
/// Earlier directives see the query first and the response last.
/// </summary>
public static class PluginOrder
{
    /// <summary>All directives, in execution order.</summary>
    public static readonly IReadOnlyList<string> Directives =
    [
        "root", "metadata", "geoip", "cancel", "proxyproto", "quic", "grpc_server", "https", "https3", "timeouts",
        "multisocket", "reload", "nsid", "bufsize", "bind", "debug", "trace", "ready", "health", "pprof", "shed",
        "prometheus", "errors", "log", "dnstap", "local", "dns64", "any", "chaos", "loadbalance", "tsig", "rewrite",
        "autopath", "acl", "cache", "header", "dnssec", "tls", "minimal", "template", "transfer", "hosts", "route53",
        "azure", "clouddns", "k8s_external", "kubernetes", "file", "auto", "secondary", "etcd", "loop", "forward",
        "grpc", "erratic", "whoami", "on", "sign", "view", "nomad",
    ];

    private static readonly Dictionary<string, int> Index = Build();

    private static Dictionary<string, int> Build()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Directives.Count; i++)
        {
            d[Directives[i]] = i;
        }
        return d;
    }

    /// <summary>Position of a directive in the order, or -1.</summary>
    public static int IndexOf(string directive) => Index.TryGetValue(directive, out var i) ? i : -1;
}
