namespace Dns.Plugins.Forward;

/// <summary>The <c>tls [CERT KEY [CA]]</c> and <c>tls_servername</c> settings.</summary>
public sealed record TlsClientOptions
{
    /// <summary>Client certificate (PEM), for mutual TLS.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>Client key (PEM).</summary>
    public string? KeyFile { get; init; }

    /// <summary>CA bundle (PEM) that replaces the system roots when given.</summary>
    public string? CaFile { get; init; }

    /// <summary>Name checked against the upstream's certificate (and sent as SNI).</summary>
    public string? ServerName { get; init; }
}
