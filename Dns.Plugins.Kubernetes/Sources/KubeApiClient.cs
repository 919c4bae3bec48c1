using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// LIST and WATCH of the four kinds DNS reads, over <see cref="KubeHttp"/> set up from a
/// <see cref="KubernetesClientConfiguration"/> the way KubernetesClient's own client is (TLS against the configured
/// CA or none with <c>insecure-skip-tls-verify</c>, client certificate, bearer token with file refresh, exec plugins
/// and basic auth). The JSON is read here, keeping only the fields DNS answers from (<see cref="ApiObjectReader"/>):
/// KubernetesClient's generated client and reflection-based JSON cost about 24 MB resident before the first object
/// is read, which is CoreDNS's whole memory budget for 20,000 services. Failures: <see cref="KubeApiStatusException"/>
/// for an HTTP error status, <see cref="KubernetesException"/> (to the watch's onError) for a watch ERROR event,
/// <see cref="IOException"/>/<see cref="System.Net.Sockets.SocketException"/>/<see cref="System.Security.Authentication.AuthenticationException"/>
/// for the connection.
/// </summary>
internal sealed class KubeApiClient : IDisposable
{
    private readonly KubeHttp _http;
    private readonly k8s.Authentication.ITokenProvider? _tokenProvider;
    private readonly string? _fixedAuthorization;
    private readonly ServiceAccountToken? _tokenFile;
    private readonly TimeSpan _requestTimeout;

    /// <param name="config">Where the API server is and how to authenticate.</param>
    /// <param name="environment">Environment variables (the proxy settings); the process's when null.</param>
    /// <param name="tokenFile">In a cluster: the service account token file, read here instead of through the configuration's token provider.</param>
    public KubeApiClient(KubernetesClientConfiguration config, Func<string, string?>? environment = null, string? tokenFile = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out var host)
            || (host.Scheme != Uri.UriSchemeHttp && host.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"bad API server URL \"{config.Host}\"");
        }
        _tokenFile = tokenFile is null ? null : new ServiceAccountToken(tokenFile);
        _tokenProvider = tokenFile is null ? config.TokenProvider : null;
        var tls = host.Scheme == Uri.UriSchemeHttps ? TlsOptions(config) : null;
        _http = new KubeHttp(host, tls, KubeProxy.For(host, environment ?? Environment.GetEnvironmentVariable));
        _fixedAuthorization = _tokenFile is not null || _tokenProvider is not null ? null
            : !string.IsNullOrEmpty(config.AccessToken) ? "Bearer " + config.AccessToken
            : !string.IsNullOrEmpty(config.Username) ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password))
            : null;
        _requestTimeout = config.HttpClientTimeout > TimeSpan.Zero ? config.HttpClientTimeout : TimeSpan.FromSeconds(100);
    }

    /// <summary>Idle keep-alive connections to the API server (tests).</summary>
    internal int IdleConnections => _http.IdleCount;

    /// <summary>One page of a LIST of <paramref name="kind"/>.</summary>
    public async Task<ListPage<T>> ListAsync<T>(ApiKind<T> kind, string? labelSelector, string? continueToken, int limit, CancellationToken cancellationToken)
        where T : class
    {
        var url = new StringBuilder(kind.Path).Append("?limit=").Append(limit);
        AppendParameter(url, "continue", continueToken);
        AppendParameter(url, "labelSelector", labelSelector);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        using var response = await SendAsync(url.ToString(), timeout.Token).ConfigureAwait(false);
        // The page is read whole and walked with a reader, each item parsed on its own into unpooled memory:
        // JsonDocument over a whole page rents page-sized buffers from the shared array pool, which keeps them
        // (several MB, live to the GC) long after the list.
        var body = await response.ReadAllBytesAsync(timeout.Token).ConfigureAwait(false);
        return ReadPage(kind, body);
    }

    /// <summary>A LIST response body: its items (as <paramref name="kind"/> reads them), resourceVersion and continue token.</summary>
    internal static ListPage<T> ReadPage<T>(ApiKind<T> kind, byte[] body)
        where T : class
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a LIST response is not a JSON object");
        }
        string? rv = null;
        string? cont = null;
        var items = new List<T>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMeta = reader.ValueTextEquals("metadata"u8);
            var isItems = !isMeta && reader.ValueTextEquals("items"u8);
            reader.Read();
            if (isMeta && reader.TokenType == JsonTokenType.StartObject)
            {
                var meta = JsonElement.ParseValue(ref reader);
                rv = StringOf(meta, "resourceVersion");
                cont = StringOf(meta, "continue");
            }
            else if (isItems && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (kind.Read(JsonElement.ParseValue(ref reader)) is { } item)
                    {
                        items.Add(item);
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
        return new ListPage<T>(items, rv, cont);
    }

    /// <summary>
    /// A WATCH of <paramref name="kind"/> from <paramref name="resourceVersion"/> with bookmarks. An ERROR event goes to
    /// <paramref name="onError"/> as a <see cref="KubernetesException"/> and the stream is read on (the server ends
    /// it); a line that is not a watch event ends the enumeration with a <see cref="JsonException"/>.
    /// </summary>
    public async IAsyncEnumerable<(WatchEventType, T)> WatchAsync<T>(
        ApiKind<T> kind,
        string? labelSelector,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        var url = new StringBuilder(kind.Path).Append("?watch=true&allowWatchBookmarks=true&timeoutSeconds=").Append(timeoutSeconds);
        AppendParameter(url, "resourceVersion", resourceVersion);
        AppendParameter(url, "labelSelector", labelSelector);
        using var response = await SendAsync(url.ToString(), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(response.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            WatchEventType type;
            T? item;
            using (var doc = JsonDocument.Parse(line))
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || StringOf(root, "type") is not { } typeText
                    || !root.TryGetProperty("object", out var obj))
                {
                    throw new JsonException("not a watch event: " + (line.Length > 100 ? line[..100] : line));
                }
                switch (typeText)
                {
                    case "ADDED":
                        type = WatchEventType.Added;
                        break;
                    case "MODIFIED":
                        type = WatchEventType.Modified;
                        break;
                    case "DELETED":
                        type = WatchEventType.Deleted;
                        break;
                    case "BOOKMARK":
                        type = WatchEventType.Bookmark;
                        break;
                    case "ERROR":
                        onError(new KubernetesException(ApiObjectReader.Status(obj)));
                        continue;
                    default:
                        throw new JsonException($"unknown watch event type \"{typeText}\"");
                }
                item = kind.Read(obj);
            }
            if (item is not null)
            {
                yield return (type, item);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<KubeHttpResponse> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var authorization = _fixedAuthorization
            ?? (_tokenFile is not null ? await _tokenFile.AuthorizationAsync(cancellationToken).ConfigureAwait(false)
            : _tokenProvider is not null ? await ProviderAuthorizationAsync(_tokenProvider, cancellationToken).ConfigureAwait(false)
            : null);
        var response = await _http.GetAsync(pathAndQuery, authorization, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return response;
        }
        using (response)
        {
            var content = await response.ReadStringAsync(cancellationToken).ConfigureAwait(false);
            throw new KubeApiStatusException(response.StatusCode, content, response.RetryAfter);
        }
    }

    /// <summary>
    /// A kubeconfig's token provider (a token file, an exec plugin). Its own method: the provider's header type
    /// lives in System.Net.Http, which nothing else here loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<string> ProviderAuthorizationAsync(k8s.Authentication.ITokenProvider provider, CancellationToken cancellationToken)
    {
        var header = await provider.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        return header.Scheme + " " + header.Parameter;
    }

    /// <summary>
    /// TLS for an https API server (in its own method, so that a plain-http endpoint never loads the TLS and X.509
    /// assemblies): the server checked against the configured CA alone, the system's roots, or not at all; the client
    /// certificate when there is one.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Func<SslClientAuthenticationOptions> TlsOptions(KubernetesClientConfiguration config)
    {
        // As client-go: a configured CA is the only root trusted (the system's roots are not consulted, nor
        // loaded); insecure-skip-tls-verify accepts any certificate; otherwise the system's roots.
        X509ChainPolicy? policy = null;
        if (!config.SkipTlsVerify && config.SslCaCerts is { Count: > 0 } cas)
        {
            policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(cas);
        }
        RemoteCertificateValidationCallback? acceptAny = config.SkipTlsVerify ? static (_, _, _, _) => true : null;
        var serverName = string.IsNullOrEmpty(config.TlsServerName) ? null : config.TlsServerName;
        var clientCert = ClientCertificate(config);
        return () => new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = acceptAny,
            CertificateChainPolicy = policy?.Clone(),
            ClientCertificates = clientCert is null ? null : [clientCert],
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };
    }

    /// <summary>The client certificate and key (PEM, inline base64 or files) of the configuration, or null.</summary>
    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        var cert = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        return cert is null || key is null ? null : X509Certificate2.CreateFromPem(cert, key);

        static string? Pem(string? base64, string? file) =>
            !string.IsNullOrWhiteSpace(file) ? File.ReadAllText(file)
            : !string.IsNullOrWhiteSpace(base64) ? Encoding.UTF8.GetString(Convert.FromBase64String(base64))
            : null;
    }

    private static void AppendParameter(StringBuilder url, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            url.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private static string? StringOf(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// The service account token, re-read from its file once a minute as KubernetesClient's TokenFileAuth does (the
/// kubelet rotates it well before it expires).
/// </summary>
internal sealed class ServiceAccountToken(string path, TimeSpan? refresh = null)
{
    private readonly long _refreshMs = (long)(refresh ?? TimeSpan.FromMinutes(1)).TotalMilliseconds;
    private Read? _last;

    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (Volatile.Read(ref _last) is { } last && now - last.At < _refreshMs)
        {
            return last.Authorization;
        }
        var token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        var read = new Read("Bearer " + token, now);
        Volatile.Write(ref _last, read);
        return read.Authorization;
    }

    /// <summary>One read of the file: the header value and when (the pair replaced as one, for concurrent reflectors).</summary>
    private sealed record Read(string Authorization, long At);
}

/// <summary>An HTTP error status from the API server, with the body (usually a Status object) and Retry-After.</summary>
public sealed class KubeApiStatusException(int statusCode, string content, string? retryAfter)
    : Exception($"the API server answered HTTP {statusCode}")
{
    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>The response body.</summary>
    public string Content { get; } = content;

    /// <summary>The Retry-After header, when the server sent one.</summary>
    public string? RetryAfter { get; } = retryAfter;
}

/// <summary>One kind's collection path across all namespaces and its reader.</summary>
internal sealed record ApiKind<T>(string Path, Func<JsonElement, T?> Read)
    where T : class;

/// <summary>The four kinds DNS watches.</summary>
internal static class ApiKinds
{
    public static readonly ApiKind<k8s.Models.V1Service> Services = new("/api/v1/services", ApiObjectReader.Service);
    public static readonly ApiKind<k8s.Models.V1EndpointSlice> EndpointSlices = new("/apis/discovery.k8s.io/v1/endpointslices", ApiObjectReader.EndpointSlice);
    public static readonly ApiKind<k8s.Models.V1Namespace> Namespaces = new("/api/v1/namespaces", ApiObjectReader.Namespace);
    public static readonly ApiKind<k8s.Models.V1Pod> Pods = new("/api/v1/pods", ApiObjectReader.Pod);
}
