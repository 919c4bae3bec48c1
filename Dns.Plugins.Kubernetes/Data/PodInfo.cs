using System.Net;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>What DNS needs of a Pod (for <c>pods verified</c>).</summary>
public sealed class PodInfo
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public required string Namespace { get; init => field = SharedText.Intern(value); }

    /// <summary><c>status.podIP</c> as written.</summary>
    public string PodIP { get; init; } = "";

    /// <summary><see cref="PodIP"/> parsed, null when invalid or empty.</summary>
    public IPAddress? PodIPAddress { get; init; }

    /// <summary><c>status.phase</c>.</summary>
    public string Phase { get; init; } = "";

    /// <summary>Has a deletionTimestamp.</summary>
    public bool Terminating { get; init; }

    /// <summary><c>metadata.labels</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value.Count == 0 ? SharedText.NoLabels : value; } = SharedText.NoLabels;
}
