using System.Security.Cryptography.X509Certificates;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Where the API server is and how to authenticate to it: what <see cref="KubeApiClient"/> needs of a
/// kubeconfig, of the <c>endpoint</c>/<c>tls</c> options or of the pod's service account
/// (<see cref="ClusterClientFactory.CreateConnection(ApiSourceOptions)"/>). Only a kubeconfig is read through
/// KubernetesClient; the other two never load it.
/// </summary>
public sealed class ApiConnection
{
    /// <summary>The API server's URL (http or https, possibly with a path prefix).</summary>
    public string Host { get; init; } = "";

    /// <summary><c>insecure-skip-tls-verify</c>: accept any server certificate.</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary>The CA certificates the server's chain must end in (the only roots trusted); the system's roots when null.</summary>
    public X509Certificate2Collection? CaCerts { get; set; }

    /// <summary>The name the server certificate is checked against, when not the URL's host (kubeconfig <c>tls-server-name</c>).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Client certificate, PEM as base64 (kubeconfig <c>client-certificate-data</c>).</summary>
    public string? ClientCertificateData { get; init; }

    /// <summary>Client certificate, PEM file.</summary>
    public string? ClientCertificateFilePath { get; set; }

    /// <summary>Client key, PEM as base64 (kubeconfig <c>client-key-data</c>).</summary>
    public string? ClientKeyData { get; init; }

    /// <summary>Client key, PEM file.</summary>
    public string? ClientKeyFilePath { get; set; }

    /// <summary>A fixed bearer token.</summary>
    public string? AccessToken { get; init; }

    /// <summary>Basic authentication user.</summary>
    public string? Username { get; init; }

    /// <summary>Basic authentication password.</summary>
    public string? Password { get; init; }

    /// <summary>A service account token file, re-read every minute (in a cluster).</summary>
    public string? TokenFile { get; init; }

    /// <summary>The Authorization header value from a kubeconfig's token provider (token file, exec or auth plugin).</summary>
    public Func<CancellationToken, Task<string>>? AuthorizationProvider { get; init; }

    /// <summary>Timeout of a LIST request (100 s when zero).</summary>
    public TimeSpan Timeout { get; init; }
}
