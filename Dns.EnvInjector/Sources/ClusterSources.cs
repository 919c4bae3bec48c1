using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Sources;

/// <summary>The production <see cref="ClusterSourceFactory"/>.</summary>
internal static class ClusterSources
{
    /// <summary>Creates the source for <paramref name="options"/>.</summary>
    public static IClusterSource Create(SourceOptions options) =>
        throw new NotSupportedException("cluster sources are not available in this build (" + options.Describe() + ")");
}
