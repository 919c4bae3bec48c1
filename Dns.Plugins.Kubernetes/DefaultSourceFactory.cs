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
            var manifests = new ManifestSource(context.ResolvePath(path), context.LoggerFactory, context.Time, pollInterval: null, keepPodNames: options.EndpointPodNames);
            if (options.Labels is null && options.NamespaceLabels is null)
            {
                return manifests;
            }
            // The API server filters by label itself; manifest data is filtered here.
            return new FilteredClusterSource(manifests, Selector(options.Labels), Selector(options.NamespaceLabels));
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
            KeepPodNames = options.EndpointPodNames,
        };
        return new ApiServerSource(api, context.LoggerFactory, context.Time, context.Metrics);
    }

    private static KubeLabelSelector? Selector(string? text) =>
        text is null ? null : KubeLabelSelector.TryParse(text, out var s, out _) ? s : null;
}
