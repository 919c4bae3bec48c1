using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Rules;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Sources;

/// <summary>Starting a following source with clear errors, and the namespace-exists rule.</summary>
internal static class ServiceSource
{
    /// <summary>
    /// Lists once (so that a bad manifest or an unreachable cluster fails with its real cause), then creates, starts and
    /// syncs a source that follows changes. Throws <see cref="CliException"/>.
    /// </summary>
    public static async Task<IClusterSource> FollowAsync(IClusterAccess access, SourceOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await access.LoadOnceAsync(options, timeout, cancellationToken).ConfigureAwait(false);
        IClusterSource source;
        try
        {
            source = access.CreateSource(options);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw new CliException("cannot use " + options.Describe() + ": " + e.Message, 1, e);
        }
        try
        {
            await source.StartAsync(cancellationToken).ConfigureAwait(false);
            if (!await source.WaitForSyncAsync(timeout, cancellationToken).ConfigureAwait(false))
            {
                throw new CliException("cannot list services from " + options.Describe() + ": no answer within "
                    + timeout.TotalSeconds + "s (is the cluster reachable?)");
            }
            return source;
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="ns"/> is known to exist: a Namespace object, <c>default</c>, or any service in it
    /// (manifests need not declare their namespaces).
    /// </summary>
    public static bool NamespaceExists(ClusterSnapshot snapshot, string ns)
    {
        if (ns == EnvVarRules.MasterServiceNamespace || snapshot.GetNamespace(ns) is not null)
        {
            return true;
        }
        foreach (var s in snapshot.Services)
        {
            if (s.Namespace == ns)
            {
                return true;
            }
        }
        return false;
    }
}
