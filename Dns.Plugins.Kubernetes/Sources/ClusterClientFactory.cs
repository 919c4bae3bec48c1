using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// The <see cref="ApiConnection"/> for <see cref="ApiSourceOptions"/>, with CoreDNS's precedence: kubeconfig, then
/// endpoint (+tls), then the pod's service account (in-cluster, as client-go and KubernetesClient read it).
/// </summary>
public static class ClusterClientFactory
{
    /// <summary>Where the kubelet mounts the pod's service account (token, ca.crt, namespace).</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The connection (throws <see cref="InvalidOperationException"/> with a readable message when it cannot be built).</summary>
    public static ApiConnection CreateConnection(ApiSourceOptions options) =>
        CreateConnection(options, Environment.GetEnvironmentVariable, ServiceAccountDirectory);

    /// <summary>The same, with the environment and the service account directory given (tests).</summary>
    internal static ApiConnection CreateConnection(ApiSourceOptions options, Func<string, string?> environment, string serviceAccountDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (!string.IsNullOrEmpty(options.Kubeconfig))
            {
                return FromKubeconfig(options.Kubeconfig, options.Context);
            }
            if (!string.IsNullOrEmpty(options.Endpoint))
            {
                var connection = new ApiConnection { Host = options.Endpoint };
                if (!string.IsNullOrEmpty(options.TlsCert) || !string.IsNullOrEmpty(options.TlsCa))
                {
                    ApplyTls(connection, options);
                }
                return connection;
            }
            return InCluster(environment, serviceAccountDirectory)
                ?? throw new InvalidOperationException(
                    "not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST/PORT or the service account token missing); use 'endpoint' or 'kubeconfig'");
        }
        catch (InvalidOperationException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("cannot build the Kubernetes client configuration: " + e.Message, e);
        }
    }

    /// <summary>
    /// The pod's service account, or null outside a cluster: KUBERNETES_SERVICE_HOST and _PORT set, the token and
    /// ca.crt files present (KubernetesClient's IsInCluster). The server is https://host:port with the CA as the only
    /// trusted root and the token file re-read every minute.
    /// </summary>
    private static ApiConnection? InCluster(Func<string, string?> environment, string directory)
    {
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        var token = Path.Combine(directory, "token");
        var ca = Path.Combine(directory, "ca.crt");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port) || !File.Exists(token) || !File.Exists(ca))
        {
            return null;
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
        {
            throw new InvalidOperationException($"KUBERNETES_SERVICE_PORT \"{port}\" is not a port number");
        }
        if (host.Contains(':') && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }
        var connection = new ApiConnection
        {
            Host = "https://" + host + ":" + portNumber.ToString(CultureInfo.InvariantCulture) + "/",
            TokenFile = token,
        };
        LoadCa(connection, ca);
        return connection;
    }

    /// <summary>The <c>tls</c> option's files (its own method: X.509 is loaded only when TLS is configured).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ApplyTls(ApiConnection connection, ApiSourceOptions options)
    {
        if (!string.IsNullOrEmpty(options.TlsCert))
        {
            connection.ClientCertificateFilePath = options.TlsCert;
            connection.ClientKeyFilePath = options.TlsKey;
        }
        if (!string.IsNullOrEmpty(options.TlsCa))
        {
            LoadCa(connection, options.TlsCa);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadCa(ApiConnection connection, string file)
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPemFile(file);
        connection.CaCerts = cas;
    }

    /// <summary>A kubeconfig's cluster and user, read by KubernetesClient (loaded on this path only).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ApiConnection FromKubeconfig(string path, string? context)
    {
        var cfg = k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        var provider = cfg.TokenProvider;
        return new ApiConnection
        {
            Host = cfg.Host ?? "",
            SkipTlsVerify = cfg.SkipTlsVerify,
            CaCerts = cfg.SslCaCerts,
            TlsServerName = cfg.TlsServerName,
            ClientCertificateData = cfg.ClientCertificateData,
            ClientCertificateFilePath = cfg.ClientCertificateFilePath,
            ClientKeyData = cfg.ClientCertificateKeyData,
            ClientKeyFilePath = cfg.ClientKeyFilePath,
            AccessToken = cfg.AccessToken,
            Username = cfg.Username,
            Password = cfg.Password,
            Timeout = cfg.HttpClientTimeout,
            AuthorizationProvider = provider is null ? null : ct => ProviderAuthorizationAsync(provider, ct),
        };
    }

    /// <summary>A kubeconfig's token provider (a token file, an exec plugin) as an Authorization header value.</summary>
    private static async Task<string> ProviderAuthorizationAsync(k8s.Authentication.ITokenProvider provider, CancellationToken cancellationToken)
    {
        var header = await provider.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        return header.Scheme + " " + header.Parameter;
    }
}
