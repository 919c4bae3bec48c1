namespace Dns.Plugins.Kubernetes.Data;

/// <summary>A Namespace.</summary>
public sealed class NamespaceInfo
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary><c>metadata.labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value.Count == 0 ? SharedText.NoLabels : value; } = SharedText.NoLabels;
}
