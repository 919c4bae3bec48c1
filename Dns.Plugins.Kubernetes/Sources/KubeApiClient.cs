using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Authentication;
using k8s.Autorest;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// LIST and WATCH of the four kinds DNS reads, over one <see cref="HttpClient"/> set up from a
/// <see cref="KubernetesClientConfiguration"/> the way KubernetesClient's own client is (TLS against the configured
/// CA or none with <c>insecure-skip-tls-verify</c>, client certificate, bearer token with file refresh, exec plugins
/// and basic auth through the library's credential types). The JSON is read here, keeping only the fields DNS
/// answers from (<see cref="ApiObjectReader"/>): KubernetesClient's generated client and reflection-based JSON cost
/// about 24 MB resident before the first object is read, which is CoreDNS's whole memory budget for 20,000
/// services. Failures surface as the library's exceptions (<see cref="HttpOperationException"/> with the status,
/// body and headers; <see cref="KubernetesException"/> for a watch ERROR event), so the reflector handles them alike.
/// </summary>
internal sealed class KubeApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _base;
    private readonly ServiceClientCredentials? _credentials;
    private readonly TimeSpan _requestTimeout;

    public KubeApiClient(KubernetesClientConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out var host))
        {
            throw new InvalidOperationException($"bad API server URL \"{config.Host}\"");
        }
        // Paths are appended to the host URL as given: an API server behind a proxy may sit under a path prefix.
        _base = config.Host.TrimEnd('/');
        var handler = new SocketsHttpHandler
        {
            // As KubernetesClient: HTTP/2 pings keep long watches alive through idle-timeout middleboxes.
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (host.Scheme == Uri.UriSchemeHttps)
        {
            if (config.SkipTlsVerify)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (config.SslCaCerts is { Count: > 0 } cas)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(cas, certificate, errors);
            }
            if (!string.IsNullOrEmpty(config.TlsServerName))
            {
                handler.SslOptions.TargetHost = config.TlsServerName;
            }
            if (ClientCertificate(config) is { } clientCert)
            {
                handler.SslOptions.ClientCertificates = [clientCert];
            }
        }
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (config.DisableHttp2)
        {
            _http.DefaultRequestVersion = HttpVersion.Version11;
            _http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coredns-dotnet", "1"));
        _credentials = config.TokenProvider is not null ? new TokenCredentials(config.TokenProvider)
            : !string.IsNullOrEmpty(config.AccessToken) ? new TokenCredentials(config.AccessToken)
            : !string.IsNullOrEmpty(config.Username) ? new BasicAuthenticationCredentials { UserName = config.Username, Password = config.Password }
            : null;
        _requestTimeout = config.HttpClientTimeout > TimeSpan.Zero ? config.HttpClientTimeout : TimeSpan.FromSeconds(100);
    }

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
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
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
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
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
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _base + pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_credentials is not null)
        {
            await _credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}'")
            {
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }
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

    /// <summary>
    /// The server's certificate is valid as the system sees it, or chains to one of the configured CAs (as
    /// KubernetesClient checks it); a name mismatch is never accepted.
    /// </summary>
    private static bool Trusted(X509Certificate2Collection cas, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        if (certificate is X509Certificate2 cert2)
        {
            return chain.Build(cert2);
        }
        using var cert = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(cert);
    }
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
