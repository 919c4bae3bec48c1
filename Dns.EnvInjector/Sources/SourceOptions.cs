namespace Dns.EnvInjector.Sources;

/// <summary>
/// Where services come from: manifest files, a kubeconfig (optionally a context), a bare API server URL, or (none of
/// these) the in-cluster service account.
/// </summary>
internal sealed record SourceOptions(string? Manifests, string? Kubeconfig, string? Context, string? Server)
{
    /// <summary>A human-readable name of the source for messages.</summary>
    public string Describe() =>
        Manifests is not null ? "manifests " + Manifests
        : Server is not null ? "API server " + Server
        : Kubeconfig is not null ? "kubeconfig " + Kubeconfig + (Context is null ? "" : " (context " + Context + ")")
        : "in-cluster configuration";
}
