using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// LIST and WATCH of the four kinds DNS reads, over <see cref="KubeHttp"/> set up from an <see cref="ApiConnection"/>
/// the way KubernetesClient's own client is (TLS against the configured CA or none with
/// <c>insecure-skip-tls-verify</c>, client certificate, bearer token with file refresh, exec plugins and basic auth).
/// The JSON is read here, straight into what DNS answers from (<see cref="ApiObjectReader"/>): KubernetesClient's
/// generated client and reflection-based JSON cost about 24 MB resident before the first object is read, which is
/// CoreDNS's whole memory budget for 20,000 services, and its models alone 3.7 MB. Failures:
/// <see cref="KubeApiStatusException"/> for an HTTP error status, <see cref="KubeWatchErrorException"/> (to the
/// watch's onError) for a watch ERROR event,
/// <see cref="IOException"/>/<see cref="System.Net.Sockets.SocketException"/>/<see cref="System.Security.Authentication.AuthenticationException"/>
/// for the connection.
/// </summary>
internal sealed class KubeApiClient : IDisposable
{
    private readonly KubeHttp _http;
    private readonly Func<CancellationToken, Task<string>>? _authorizationProvider;
    private readonly string? _fixedAuthorization;
    private readonly ServiceAccountToken? _tokenFile;
    private readonly TimeSpan _requestTimeout;

    /// <param name="config">Where the API server is and how to authenticate.</param>
    /// <param name="environment">Environment variables (the proxy settings); the process's when null.</param>
    public KubeApiClient(ApiConnection config, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!ApiUrl.TryParse(config.Host, out var host))
        {
            throw new InvalidOperationException($"bad API server URL \"{config.Host}\"");
        }
        _tokenFile = config.TokenFile is { } tokenFile ? new ServiceAccountToken(tokenFile) : null;
        _authorizationProvider = _tokenFile is null ? config.AuthorizationProvider : null;
        var tls = host.IsHttps ? TlsOptions(config) : null;
        _http = new KubeHttp(host, tls, KubeProxy.For(host, environment ?? Environment.GetEnvironmentVariable));
        _fixedAuthorization = _tokenFile is not null || _authorizationProvider is not null ? null
            : !string.IsNullOrEmpty(config.AccessToken) ? "Bearer " + config.AccessToken
            : !string.IsNullOrEmpty(config.Username) ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(config.Username + ":" + config.Password))
            : null;
        _requestTimeout = config.Timeout > TimeSpan.Zero ? config.Timeout : TimeSpan.FromSeconds(100);
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
        // The page is read whole and walked with a cursor that builds only what DNS keeps of each item.
        var body = await response.ReadAllBytesAsync(timeout.Token).ConfigureAwait(false);
        return ReadPage(kind, body);
    }

    /// <summary>A LIST response body: its items (as <paramref name="kind"/> reads them), resourceVersion and continue token.</summary>
    internal static ListPage<T> ReadPage<T>(ApiKind<T> kind, byte[] body)
        where T : class
    {
        var c = new JsonCursor(body);
        if (c.Peek() != JsonKind.Object)
        {
            throw new ApiJsonException("a LIST response is not a JSON object");
        }
        string? rv = null;
        string? cont = null;
        var items = new List<ApiObject<T>>();
        c.EnterObject();
        while (c.NextProperty(out var name, out var escaped))
        {
            if (JsonCursor.NameIs(name, escaped, "metadata"u8))
            {
                if (c.EnterObject())
                {
                    while (c.NextProperty(out var m, out var me))
                    {
                        if (JsonCursor.NameIs(m, me, "resourceVersion"u8))
                        {
                            rv = c.ReadString();
                        }
                        else if (JsonCursor.NameIs(m, me, "continue"u8))
                        {
                            cont = c.ReadString();
                        }
                        else
                        {
                            c.SkipValue();
                        }
                    }
                }
            }
            else if (JsonCursor.NameIs(name, escaped, "items"u8))
            {
                if (c.EnterArray())
                {
                    while (c.NextItem())
                    {
                        if (kind.Read(ref c) is { } item)
                        {
                            items.Add(item);
                        }
                    }
                }
            }
            else
            {
                c.SkipValue();
            }
        }
        c.End();
        return new ListPage<T>(items, rv, cont);
    }

    /// <summary>
    /// A WATCH of <paramref name="kind"/> from <paramref name="resourceVersion"/> with bookmarks. An ERROR event goes to
    /// <paramref name="onError"/> as a <see cref="KubeWatchErrorException"/> and the stream is read on (the server
    /// ends it); a line that is not a watch event ends the enumeration with an <see cref="ApiJsonException"/>.
    /// </summary>
    public async IAsyncEnumerable<(WatchEventType, ApiObject<T>)> WatchAsync<T>(
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
            if (ReadEvent(kind, line, onError) is { } e)
            {
                yield return e;
            }
        }
    }

    /// <summary>
    /// One line of a watch: its event, or null for an ERROR event (given to <paramref name="onError"/>) and for an
    /// object that is not an object; a line that is not a watch event throws <see cref="ApiJsonException"/>.
    /// </summary>
    internal static (WatchEventType, ApiObject<T>)? ReadEvent<T>(ApiKind<T> kind, string line, Action<Exception> onError)
        where T : class
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var c = new JsonCursor(bytes);
        string? typeText = null;
        var objectAt = -1;
        if (c.EnterObject())
        {
            while (c.NextProperty(out var name, out var escaped))
            {
                if (JsonCursor.NameIs(name, escaped, "type"u8))
                {
                    typeText = c.ReadString();
                }
                else if (JsonCursor.NameIs(name, escaped, "object"u8))
                {
                    // Read once the type is known (the API server sends it first; JSON does not promise it).
                    objectAt = c.Position;
                    c.SkipValue();
                }
                else
                {
                    c.SkipValue();
                }
            }
        }
        c.End();
        if (typeText is null || objectAt < 0)
        {
            throw new ApiJsonException("not a watch event: " + (line.Length > 100 ? line[..100] : line));
        }
        var type = typeText switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new ApiJsonException($"unknown watch event type \"{typeText}\""),
        };
        c.Position = objectAt;
        if (type == WatchEventType.Error)
        {
            onError(ApiObjectReader.Status(ref c));
            return null;
        }
        return kind.Read(ref c) is { } item ? (type, item) : null;
    }
    public void Dispose() => _http.Dispose();

    private async Task<KubeHttpResponse> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var authorization = _fixedAuthorization
            ?? (_tokenFile is not null ? await _tokenFile.AuthorizationAsync(cancellationToken).ConfigureAwait(false)
            : _authorizationProvider is not null ? await _authorizationProvider(cancellationToken).ConfigureAwait(false)
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
    /// TLS for an https API server (in its own method, so that a plain-http endpoint never loads the TLS and X.509
    /// assemblies): the server checked against the configured CA alone, the system's roots, or not at all; the client
    /// certificate when there is one.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Func<SslClientAuthenticationOptions> TlsOptions(ApiConnection config)
    {
        // As client-go: a configured CA is the only root trusted (the system's roots are not consulted, nor
        // loaded); insecure-skip-tls-verify accepts any certificate; otherwise the system's roots.
        X509ChainPolicy? policy = null;
        if (!config.SkipTlsVerify && config.CaCerts is { Count: > 0 } cas)
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
    private static X509Certificate2? ClientCertificate(ApiConnection config)
    {
        var cert = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientKeyData, config.ClientKeyFilePath);
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
            url.Append('&').Append(name).Append('=').Append(ApiUrl.Escape(value));
        }
    }
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

/// <summary>Reads one object of a kind at the cursor (null when the value is not an object).</summary>
internal delegate ApiObject<T>? ApiObjectRead<T>(ref JsonCursor cursor)
    where T : class;

/// <summary>One kind's collection path across all namespaces and its reader.</summary>
internal sealed record ApiKind<T>(string Path, ApiObjectRead<T> Read)
    where T : class;

/// <summary>The four kinds DNS watches, read with <paramref name="logger"/> for malformed addresses.</summary>
internal static class ApiKinds
{
    public static ApiKind<ServiceInfo> Services(ILogger? logger = null) =>
        new("/api/v1/services", (ref JsonCursor c) => ApiObjectReader.Service(ref c, logger));

    public static ApiKind<EndpointSliceInfo> EndpointSlices(ILogger? logger = null, bool keepPodNames = true) =>
        new("/apis/discovery.k8s.io/v1/endpointslices", (ref JsonCursor c) => ApiObjectReader.EndpointSlice(ref c, logger, keepPodNames));

    public static ApiKind<NamespaceInfo> Namespaces() =>
        new("/api/v1/namespaces", ApiObjectReader.Namespace);

    public static ApiKind<PodInfo> Pods(ILogger? logger = null) =>
        new("/api/v1/pods", (ref JsonCursor c) => ApiObjectReader.Pod(ref c, logger));
}
