using System.Net;

namespace Dns.Core.Pipeline;

/// <summary>Server settings of one server block that setup-only directives change (<c>bind</c>, <c>bufsize</c>).</summary>
public sealed class BlockConfig
{
    /// <summary>Addresses to listen on; empty means every address (IPv4 and IPv6).</summary>
    public List<IPAddress> BindAddresses { get; } = [];

    /// <summary>Interface names given to <c>bind</c> (resolved to addresses at start).</summary>
    public List<string> BindInterfaces { get; } = [];

    /// <summary>Addresses excluded with <c>bind ... { except ... }</c>.</summary>
    public List<IPAddress> BindExcept { get; } = [];

    /// <summary>Cap on UDP reply size (RFC 6891 §6.2.5); 1232 by default, <c>bufsize</c> changes it.</summary>
    public int MaxUdpSize { get; set; } = 1232;

    /// <summary>Free-form values for plugins that cooperate inside one block (<c>k8s_external</c> finds <c>kubernetes</c> here).</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);
}
