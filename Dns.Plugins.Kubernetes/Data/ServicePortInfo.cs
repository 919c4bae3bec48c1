namespace Dns.Plugins.Kubernetes.Data;

/// <summary>A port of a Service or an EndpointSlice: name ("" when unnamed), number (-1 when absent), protocol (TCP, UDP, SCTP; TCP when empty).</summary>
public sealed record ServicePortInfo(string Name, int Port, string Protocol)
{
    /// <summary>Port name (shared copy: names repeat across services).</summary>
    public string Name { get; init; } = SharedText.Intern(Name);

    /// <summary>TCP, UDP or SCTP (shared copy).</summary>
    public string Protocol { get; init; } = SharedText.Intern(Protocol);
}
