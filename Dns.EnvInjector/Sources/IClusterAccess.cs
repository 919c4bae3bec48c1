using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Sources;

/// <summary>
/// Where services come from (the seam tests replace): a one-shot load for <c>print</c> and <c>exec</c>, and a
/// continuously updated source for <c>exec --watch</c> and the webhook.
/// </summary>
internal interface IClusterAccess
{
    /// <summary>Lists the cluster once; throws <see cref="Cli.CliException"/> with a message naming the source and cause.</summary>
    Task<ClusterSnapshot> LoadOnceAsync(SourceOptions options, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Creates a (not yet started) source that follows changes; throws <see cref="Cli.CliException"/> when it cannot be built.</summary>
    IClusterSource CreateSource(SourceOptions options);
}
