using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>Builds a KubernetesClient from <see cref="ApiSourceOptions"/> with CoreDNS's precedence: kubeconfig, then endpoint (+tls), then in-cluster.</summary>
public static class ClusterClientFactory
{
    /// <summary>Where the kubelet mounts the pod's service account token (KubernetesClient's in-cluster path).</summary>
    public const string ServiceAccountTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>The client configuration (throws <see cref="InvalidOperationException"/> with a readable message when it cannot be built).</summary>
    public static KubernetesClientConfiguration CreateConfiguration(ApiSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (!string.IsNullOrEmpty(options.Kubeconfig))
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, options.Context);
            }
            if (!string.IsNullOrEmpty(options.Endpoint))
            {
                var cfg = new KubernetesClientConfiguration { Host = options.Endpoint };
                if (!string.IsNullOrEmpty(options.TlsCert) || !string.IsNullOrEmpty(options.TlsCa))
                {
                    ApplyTls(cfg, options);
                }
                return cfg;
            }
            if (!KubernetesClientConfiguration.IsInCluster())
            {
                throw new InvalidOperationException(
                    "not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST/PORT or the service account token missing); use 'endpoint' or 'kubeconfig'");
            }
            return KubernetesClientConfiguration.InClusterConfig();
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
    /// The service account token file when <paramref name="options"/> lead to the in-cluster configuration (no
    /// kubeconfig, no endpoint), else null.
    /// </summary>
    public static string? InClusterTokenFile(ApiSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return UsesInCluster(options) ? ServiceAccountTokenFile : null;
    }

    /// <summary>CoreDNS's precedence: a kubeconfig, else an endpoint, else the in-cluster service account.</summary>
    private static bool UsesInCluster(ApiSourceOptions options) =>
        string.IsNullOrEmpty(options.Kubeconfig) && string.IsNullOrEmpty(options.Endpoint);

    /// <summary>The <c>tls</c> option's files (its own method: X.509 is loaded only when TLS is configured).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ApplyTls(KubernetesClientConfiguration cfg, ApiSourceOptions options)
    {
        if (!string.IsNullOrEmpty(options.TlsCert))
        {
            cfg.ClientCertificateFilePath = options.TlsCert;
            cfg.ClientKeyFilePath = options.TlsKey;
        }
        if (!string.IsNullOrEmpty(options.TlsCa))
        {
            var cas = new X509Certificate2Collection();
            cas.ImportFromPemFile(options.TlsCa);
            cfg.SslCaCerts = cas;
        }
    }

    /// <summary>A client for the configured API server; the caller disposes it.</summary>
    public static k8s.Kubernetes Create(ApiSourceOptions options) => new(CreateConfiguration(options));
}
