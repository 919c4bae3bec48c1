namespace Dns.Plugins.Kubernetes.Data;

/// <summary>A port of a Service or an EndpointSlice: name ("" when unnamed), number (-1 when absent), protocol (TCP, UDP, SCTP; TCP when empty).</summary>
public sealed record ServicePortInfo(string Name, int Port, string Protocol);
