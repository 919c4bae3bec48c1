using Dns.EnvInjector.Cli;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Sources;

/// <summary>Opens a cluster source and waits for its first complete list, turning failures into user-facing errors.</summary>
internal static class ServiceSource
{
    /// <summary>Creates, starts and syncs the source; throws <see cref="CliException"/> with a clear message on failure.</summary>
    public static async Task<IClusterSource> OpenAsync(ClusterSourceFactory factory, SourceOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IClusterSource source;
        try
        {
            source = factory(options);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw new CliException("cannot use " + options.Describe() + ": " + Message(e), 1, e);
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
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw new CliException("cannot list services from " + options.Describe() + ": " + Message(e), 1, e);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="ns"/> is known to exist: a Namespace object, <c>default</c>, or (sources without
    /// Namespace objects, such as manifests) any service in it.
    /// </summary>
    public static bool NamespaceExists(ClusterSnapshot snapshot, string ns)
    {
        if (ns == EnvInjector.Rules.EnvVarRules.MasterServiceNamespace || snapshot.GetNamespace(ns) is not null)
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

    private static string Message(Exception e)
    {
        var m = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!m.Contains(inner.Message, StringComparison.Ordinal))
            {
                m += ": " + inner.Message;
            }
        }
        return m;
    }
}
