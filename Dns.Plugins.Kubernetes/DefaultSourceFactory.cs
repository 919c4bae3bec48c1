using Dns.Core.Pipeline;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes;

/// <summary>Creates the source the options ask for: manifests when <c>manifests</c> is set, else the API server.</summary>
internal static class DefaultSourceFactory
{
    public static IClusterSource Create(KubernetesOptions options, SetupContext context)
    {
        if (options.ManifestsPath is { } path)
        {
            return new ManifestSource(context.ResolvePath(path), context.LoggerFactory, context.Time);
        }
        var api = new ApiSourceOptions
        {
            Endpoint = options.Endpoints.Count > 0 ? options.Endpoints[0] : null,
            Kubeconfig = options.Kubeconfig is { } k ? context.ResolvePath(k) : null,
            Context = options.KubeconfigContext,
            TlsCert = options.TlsCert is { } c ? context.ResolvePath(c) : null,
            TlsKey = options.TlsKey is { } key ? context.ResolvePath(key) : null,
            TlsCa = options.TlsCa is { } ca ? context.ResolvePath(ca) : null,
            LabelSelector = options.Labels,
            NamespaceLabelSelector = options.NamespaceLabels,
            WatchPods = options.Pods == PodMode.Verified,
            WatchEndpoints = !options.NoEndpoints,
        };
        return new ApiServerSource(api, context.LoggerFactory, context.Time, context.Metrics);
    }
}
