using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>Creates the source the options ask for: manifests when <c>manifests</c> is set, else the API server.</summary>
internal static class DefaultSourceFactory
{
    public static IClusterSource Create(KubernetesOptions options, SetupContext context) =>
        throw new CorefileException(context.Block.File, context.Block.Line, "kubernetes: no cluster source is available in this build");
}
