using Dns.Core.Protocol;

namespace Dns.Plugins.Kubernetes;

/// <summary>What a lookup decided before the response is built.</summary>
internal enum LookupStatus
{
    /// <summary>Records (empty: NODATA).</summary>
    Ok,

    /// <summary>NXDOMAIN-class (missing name, unexposed namespace, invalid grammar): fallthrough may apply.</summary>
    NameError,

    /// <summary>Zone transfers are not served by this plugin.</summary>
    Refused,
}

/// <summary>The records of one lookup, plus CNAMEs whose targets must be resolved through the whole server.</summary>
internal sealed class LookupResult
{
    public LookupStatus Status { get; set; }

    public List<DnsRecord> Answer { get; } = [];

    public List<DnsRecord> Extra { get; } = [];

    /// <summary>ExternalName CNAMEs pointing outside the plugin's zones; each is kept only if its upstream lookup succeeds.</summary>
    public List<CnameRecord>? Upstream { get; set; }
}
