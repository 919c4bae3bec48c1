using System.Collections.Frozen;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// One copy of the strings that repeat across a cluster's objects (namespaces, node and zone names, kinds, types,
/// port names and protocols): a 20,000-service cluster otherwise holds a copy per object. Only low-cardinality
/// fields use it (the process-wide intern table keeps what it holds); names of services and pods do not.
/// </summary>
internal static class SharedText
{
    /// <summary>The empty label set every unlabelled object shares.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoLabels = FrozenDictionary<string, string>.Empty;

    public static string Intern(string value) => string.Intern(value);

    public static string? InternOrNull(string? value) => value is null ? null : string.Intern(value);
}
