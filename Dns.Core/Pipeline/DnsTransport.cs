namespace Dns.Core.Pipeline;

/// <summary>How a query arrived.</summary>
public enum DnsTransport
{
    Udp,
    Tcp,
    Tls,
    Https,
    Grpc,
    Quic,
    /// <summary>A query made by the server itself (ExternalName targets, loop probe).</summary>
    Internal,
}
