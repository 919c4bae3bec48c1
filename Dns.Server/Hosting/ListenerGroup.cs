using System.Net;
using Dns.Core.Pipeline;

namespace Dns.Server.Hosting;

/// <summary>The blocks of one configuration that share a port and bind addresses: one router, one handler.</summary>
internal sealed class ListenerGroup(int port, string bindKey, List<IPAddress>? addresses)
{
    public int ConfiguredPort { get; } = port;

    public string BindKey { get; } = bindKey;

    public List<IPAddress>? Addresses { get; } = addresses;

    public ZoneRouter<ServerBlockRuntime> Router { get; } = new();

    public QueryHandler? Handler { get; set; }

    public string ServerLabel { get; set; } = "";

    public int BoundPort { get; set; }
}
