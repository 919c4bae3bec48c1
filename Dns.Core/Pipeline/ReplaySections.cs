namespace Dns.Core.Pipeline;

/// <summary>Sections of a reply whose address records a replay shuffles (<see cref="DnsContext.ShuffleAddressesOnReplay"/>).</summary>
[Flags]
public enum ReplaySections
{
    /// <summary>No section.</summary>
    None = 0,

    /// <summary>The answer section.</summary>
    Answer = 1,

    /// <summary>The authority section.</summary>
    Authority = 2,

    /// <summary>The additional section.</summary>
    Additional = 4,
}
