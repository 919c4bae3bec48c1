namespace Dns.Core.Pipeline;

/// <summary>The rest of the plugin chain.</summary>
public delegate ValueTask DnsRequestDelegate(DnsContext context);
