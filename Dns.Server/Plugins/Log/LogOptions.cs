using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Log;

/// <summary>Response classes a rule logs (CoreDNS's <c>response.Class</c>).</summary>
[Flags]
internal enum LogClasses
{
    None = 0,
    Success = 1,
    Denial = 2,
    Error = 4,
    All = 8,
}

/// <summary>One <c>log NAME... [FORMAT]</c> entry: the names it covers, its format and classes.</summary>
internal sealed record LogRule(DnsName NameScope, LogFormat Format, LogClasses Classes);

/// <summary>The rules of a block, in Corefile order; the first whose name matches a query decides.</summary>
internal sealed record LogOptions(IReadOnlyList<LogRule> Rules);
