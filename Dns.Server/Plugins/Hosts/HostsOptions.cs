using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Hosts;

/// <summary>The <c>hosts</c> configuration of one server block.</summary>
internal sealed record HostsOptions
{
    /// <summary>Default TTL of generated records (seconds).</summary>
    public const uint DefaultTtl = 3600;

    /// <summary>Default interval between checks of the file.</summary>
    public static readonly TimeSpan DefaultReload = TimeSpan.FromSeconds(5);

    /// <summary>The hosts file (absolute); <c>/etc/hosts</c> unless given.</summary>
    public string Path { get; init; } = "/etc/hosts";

    /// <summary>Zones the plugin is authoritative for (names outside them are ignored when parsing).</summary>
    public IReadOnlyList<DnsName> Origins { get; init; } = [DnsName.Root];

    /// <summary>TTL of answers, forward and reverse.</summary>
    public uint Ttl { get; init; } = DefaultTtl;

    /// <summary>Generate PTR records for the addresses (<c>no_reverse</c> turns it off).</summary>
    public bool AutoReverse { get; init; } = true;

    /// <summary>How often the file is checked for changes; zero disables.</summary>
    public TimeSpan Reload { get; init; } = DefaultReload;

    /// <summary>Zones for which a name that does not exist goes to the next plugin; null when not configured.</summary>
    public IReadOnlyList<DnsName>? Fallthrough { get; init; }

    /// <summary>Also pass unsupported query types for existing names to the next plugin (<c>fallthrough_unsupported</c>).</summary>
    public bool FallthroughUnsupported { get; init; }

    /// <summary>Hosts-file lines written inside the Corefile block.</summary>
    public IReadOnlyList<string> Inline { get; init; } = [];
}
