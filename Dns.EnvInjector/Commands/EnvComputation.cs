using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Rules;
using Dns.EnvInjector.Sources;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Commands;

/// <summary>The variables for the options' namespace, shared by <c>print</c> and <c>exec</c>.</summary>
internal static class EnvComputation
{
    /// <summary>Applies the kubelet rules (links default to true, as the API server defaults them).</summary>
    public static IReadOnlyList<EnvVar> Compute(ClusterSnapshot snapshot, CliOptions options) =>
        EnvVarRules.ForPod(snapshot.Services, options.Namespace, options.EnableServiceLinks ?? true);

    /// <summary>
    /// Warns when the namespace does not exist. The result is still what the kubelet would give a pod there: the
    /// master service only (the pod could not be created, but the rules do not depend on that).
    /// </summary>
    public static void WarnIfNamespaceMissing(ClusterSnapshot snapshot, CliOptions options, CliContext context)
    {
        if (!ServiceSource.NamespaceExists(snapshot, options.Namespace))
        {
            context.Warn("namespace \"" + options.Namespace + "\" not found in " + options.Source.Describe()
                + "; only the master service (default/kubernetes) applies");
        }
    }

    /// <summary>Whether two variable lists are equal (both sorted by name).</summary>
    public static bool SameVars(IReadOnlyList<EnvVar> a, IReadOnlyList<EnvVar> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        return true;
    }
}
