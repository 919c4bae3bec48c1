using System.Net;
using System.Net.Sockets;
using System.Text;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// The API source's HTTP/1.1 client (<see cref="KubeHttp"/>) against a scripted server that writes exact bytes:
/// the framings an API server (Go's net/http) uses, keep-alive reuse, a keep-alive connection the server dropped,
/// malformed responses, and the proxy settings client-go honours.
/// </summary>
public sealed class KubeHttpTests
{
    [Fact]
    public async Task ContentLength_ConnectionKeptForTheNextRequest()
    {
        await using var server = RawHttpServer.Start(_ => Ok("""{"a":1}"""));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("""{"a":1}""", await GetStringAsync(http, "/one"));
        Assert.Equal(1, http.IdleCount);
        Assert.Equal("""{"a":1}""", await GetStringAsync(http, "/two"));
        Assert.Equal(1, server.Connections);
        Assert.Equal(["GET /one HTTP/1.1", "GET /two HTTP/1.1"], server.RequestLines);
    }

    [Fact]
    public async Task Chunked_WithExtensionsAndTrailers_DecodedAndConnectionKept()
    {
        await using var server = RawHttpServer.Start(_ => Raw(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;name=value\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("hello world0123456789", await GetStringAsync(http, "/"));
        Assert.Equal("hello world0123456789", await GetStringAsync(http, "/"));
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task ConnectionClose_NotReused()
    {
        await using var server = RawHttpServer.Start(_ => Raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", close: true));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("ok", await GetStringAsync(http, "/"));
        Assert.Equal(0, http.IdleCount);
        Assert.Equal("ok", await GetStringAsync(http, "/"));
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task NoLengthNoChunking_BodyEndsWithTheConnection()
    {
        await using var server = RawHttpServer.Start(_ => Raw("HTTP/1.0 200 OK\r\n\r\nuntil the end", close: true));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("until the end", await GetStringAsync(http, "/"));
        Assert.Equal(0, http.IdleCount);
    }

    [Fact]
    public async Task IdleConnectionDroppedByTheServer_RequestSentAgainOnANewOne()
    {
        // The server closes every connection after its response without saying so (an idle timeout): the second GET
        // finds the kept connection closed and must go out again, once, on a fresh connection.
        await using var server = RawHttpServer.Start(_ => Raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: true));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("ok", await GetStringAsync(http, "/a"));
        Assert.Equal(1, http.IdleCount);
        await server.WaitForClosedAsync(1);
        Assert.Equal("ok", await GetStringAsync(http, "/b"));
        Assert.Equal(2, server.Connections);
        Assert.Equal(["GET /a HTTP/1.1", "GET /b HTTP/1.1"], server.RequestLines);
    }

    [Fact]
    public async Task InterimResponse_Skipped()
    {
        await using var server = RawHttpServer.Start(_ => Raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        Assert.Equal("body", await GetStringAsync(http, "/"));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le")]
    [InlineData("")]
    public async Task MalformedOrTruncatedResponse_IOException(string response)
    {
        await using var server = RawHttpServer.Start(_ => Raw(response, close: true));
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        await Assert.ThrowsAsync<IOException>(() => GetStringAsync(http, "/"));
        Assert.Equal(0, http.IdleCount);
    }

    [Fact]
    public async Task ErrorStatus_StatusBodyAndRetryAfterReachTheCaller()
    {
        const string status = """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too many requests","reason":"TooManyRequests","code":429}""";
        await using var server = RawHttpServer.Start(_ => Raw(
            $"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 7\r\nContent-Length: {status.Length}\r\n\r\n{status}"));
        using var client = new KubeApiClient(new ApiConnection { Host = server.Url }, NoEnvironment);
        var e = await Assert.ThrowsAsync<KubeApiStatusException>(() => client.ListAsync(ApiKinds.Services(), null, null, 500, CancellationToken.None));
        Assert.Equal(429, e.StatusCode);
        Assert.Equal(status, e.Content);
        Assert.Equal("7", e.RetryAfter);
        Assert.Equal(1, client.IdleConnections);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("120", 120)]
    [InlineData("0", null)]
    [InlineData("-3", null)]
    [InlineData("Wed, 21 Oct 2026 07:28:00 GMT", null)]
    [InlineData(null, null)]
    public void RetryAfter_SecondsTheReflectorWaits(string? header, int? seconds)
    {
        var e = new KubeApiStatusException(429, "", header);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Reflector<Dns.Plugins.Kubernetes.Data.ServiceInfo>.RetryAfter(e));
    }

    [Fact]
    public async Task PathPrefixHostAndToken_InTheRequest()
    {
        await using var server = RawHttpServer.Start(_ => Ok("""{"kind":"ServiceList","metadata":{"resourceVersion":"5"},"items":[]}"""));
        using var client = new KubeApiClient(
            new ApiConnection { Host = server.Url + "/clusters/east/", AccessToken = "t0k3n" }, NoEnvironment);
        var page = await client.ListAsync(ApiKinds.Services(), "app=dns", "next one", 500, CancellationToken.None);
        Assert.Equal("5", page.ResourceVersion);
        var head = Assert.Single(server.RequestHeads);
        Assert.StartsWith("GET /clusters/east/api/v1/services?limit=500&continue=next%20one&labelSelector=app%3Ddns HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nHost: 127.0.0.1:{server.Port}\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer t0k3n\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAccept: application/json\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BasicAuth_FromUsernameAndPassword()
    {
        await using var server = RawHttpServer.Start(_ => Ok("""{"items":[]}"""));
        using var client = new KubeApiClient(new ApiConnection { Host = server.Url, Username = "admin", Password = "pä55" }, NoEnvironment);
        await client.ListAsync(ApiKinds.Namespaces(), null, null, 10, CancellationToken.None);
        Assert.Contains("\r\nAuthorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:pä55")) + "\r\n", server.RequestHeads[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_ChunkedEventsSplitAcrossChunks_EachEventOnce()
    {
        // Go's server flushes one event per chunk, but nothing obliges a line to fit one: split one across three.
        const string a = """{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"2"},"spec":{"clusterIP":"10.0.0.1"}}}""";
        const string b = """{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"3"}}}""";
        var body = a + "\n" + b + "\n";
        var parts = new[] { body[..10], body[10..40], body[40..] };
        var chunked = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        foreach (var p in parts)
        {
            chunked.Append(Encoding.UTF8.GetByteCount(p).ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n").Append(p).Append("\r\n");
        }
        chunked.Append("0\r\n\r\n");
        await using var server = RawHttpServer.Start(_ => Raw(chunked.ToString()));
        using var client = new KubeApiClient(new ApiConnection { Host = server.Url }, NoEnvironment);
        var events = new List<(WatchEventType, string?)>();
        await foreach (var (type, svc) in client.WatchAsync(ApiKinds.Services(), null, "1", 60, e => throw e, CancellationToken.None))
        {
            events.Add((type, svc.ResourceVersion));
        }
        Assert.Equal([(WatchEventType.Added, "2"), (WatchEventType.Bookmark, "3")], events);
        Assert.StartsWith("GET /api/v1/services?watch=true&allowWatchBookmarks=true&timeoutSeconds=60&resourceVersion=1 HTTP/1.1", server.RequestLines[0], StringComparison.Ordinal);
        Assert.Equal(1, client.IdleConnections);
    }

    [Fact]
    public async Task Cancelled_WhileWaitingForTheResponse_ConnectionDropped()
    {
        await using var server = RawHttpServer.Start(_ => null);
        using var http = new KubeHttp(ApiUrl.Parse(server.Url), tls: null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.GetAsync("/", null, cts.Token));
        Assert.Equal(0, http.IdleCount);
        await server.WaitForClosedAsync(1);
    }

    [Fact]
    public async Task HttpProxy_AbsoluteFormRequestWithProxyCredentials()
    {
        // The proxy (the scripted server) receives the absolute URL of an API server it alone can reach.
        await using var proxy = RawHttpServer.Start(_ => Ok("""{"items":[]}"""));
        var env = Env(("HTTP_PROXY", $"http://user:p%40ss@127.0.0.1:{proxy.Port}"));
        using var client = new KubeApiClient(new ApiConnection { Host = "http://kube.internal:8080" }, env);
        await client.ListAsync(ApiKinds.Services(), null, null, 5, CancellationToken.None);
        var head = Assert.Single(proxy.RequestHeads);
        Assert.StartsWith("GET http://kube.internal:8080/api/v1/services?limit=5 HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nHost: kube.internal:8080\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nProxy-Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:p@ss")) + "\r\n", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsProxy_RefusedConnect_ReadableError()
    {
        await using var proxy = RawHttpServer.Start(_ => Raw("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", close: true));
        var env = Env(("HTTPS_PROXY", $"127.0.0.1:{proxy.Port}"));
        using var client = new KubeApiClient(new ApiConnection { Host = "https://kube.internal:6443" }, env);
        var e = await Assert.ThrowsAsync<IOException>(() => client.ListAsync(ApiKinds.Services(), null, null, 5, CancellationToken.None));
        Assert.Contains("refused CONNECT kube.internal:6443: HTTP/1.1 403 Forbidden", e.Message, StringComparison.Ordinal);
        Assert.Equal("CONNECT kube.internal:6443 HTTP/1.1", proxy.RequestLines[0]);
    }

    [Theory]
    // No proxy configured, or the wrong scheme's.
    [InlineData("https://10.96.0.1:443", "", null)]
    [InlineData("https://10.96.0.1:443", "HTTP_PROXY=http://p:3128", null)]
    [InlineData("http://10.96.0.1:80", "HTTPS_PROXY=http://p:3128", null)]
    // Upper case wins; lower case works alone; no scheme means http; the default port.
    [InlineData("https://10.96.0.1:443", "HTTPS_PROXY=http://p:3128;https_proxy=http://q:1", "p:3128")]
    [InlineData("https://10.96.0.1:443", "https_proxy=q:8080", "q:8080")]
    [InlineData("http://api.example:80", "HTTP_PROXY=http://p", "p:80")]
    // Never for loopback.
    [InlineData("https://127.0.0.1:6443", "HTTPS_PROXY=http://p:3128", null)]
    [InlineData("https://localhost:6443", "HTTPS_PROXY=http://p:3128", null)]
    [InlineData("https://[::1]:6443", "HTTPS_PROXY=http://p:3128", null)]
    // NO_PROXY: *, IPs, CIDRs, domains (themselves and subdomains), .domain (subdomains only), *.domain, ports.
    [InlineData("https://10.96.0.1:443", "HTTPS_PROXY=p:1;NO_PROXY=*", null)]
    [InlineData("https://10.96.0.1:443", "HTTPS_PROXY=p:1;NO_PROXY=10.96.0.1", null)]
    [InlineData("https://10.96.0.1:443", "HTTPS_PROXY=p:1;no_proxy=10.96.0.0/12", null)]
    [InlineData("https://10.112.0.1:443", "HTTPS_PROXY=p:1;NO_PROXY=10.96.0.0/12", "p:1")]
    [InlineData("https://kubernetes.default.svc:443", "HTTPS_PROXY=p:1;NO_PROXY=example.com, .svc", null)]
    [InlineData("https://svc:443", "HTTPS_PROXY=p:1;NO_PROXY=.svc", "p:1")]
    [InlineData("https://api.corp.example:443", "HTTPS_PROXY=p:1;NO_PROXY=corp.example", null)]
    [InlineData("https://corp.example:443", "HTTPS_PROXY=p:1;NO_PROXY=corp.example", null)]
    [InlineData("https://notcorp.example:443", "HTTPS_PROXY=p:1;NO_PROXY=corp.example", "p:1")]
    [InlineData("https://api.corp.example:443", "HTTPS_PROXY=p:1;NO_PROXY=*.corp.example", null)]
    [InlineData("https://api.corp.example:6443", "HTTPS_PROXY=p:1;NO_PROXY=api.corp.example:443", "p:1")]
    [InlineData("https://api.corp.example:443", "HTTPS_PROXY=p:1;NO_PROXY=API.corp.example:443", null)]
    [InlineData("https://10.96.0.1:443", "HTTPS_PROXY=p:1;NO_PROXY=10.96.0.1:6443", "p:1")]
    public void ProxyFromEnvironment_AsClientGo(string target, string environment, string? expected)
    {
        var pairs = environment.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => (kv.Split('=', 2)[0], kv.Split('=', 2)[1])).ToArray();
        var proxy = KubeProxy.For(ApiUrl.Parse(target), Env(pairs));
        Assert.Equal(expected, proxy is null ? null : $"{proxy.Host}:{proxy.Port}");
    }

    [Fact]
    public void UnsupportedProxyScheme_ReadableError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => KubeProxy.For(ApiUrl.Parse("https://10.96.0.1"), Env(("HTTPS_PROXY", "socks5://p:1080"))));
        Assert.Contains("socks5://p:1080", e.Message, StringComparison.Ordinal);
    }

    private static string? NoEnvironment(string name) => null;

    private static Func<string, string?> Env(params (string Name, string Value)[] pairs) =>
        name => pairs.FirstOrDefault(p => p.Name == name).Value;

    private static async Task<string> GetStringAsync(KubeHttp http, string path)
    {
        using var response = await http.GetAsync(path, null, CancellationToken.None);
        return await response.ReadStringAsync(CancellationToken.None);
    }

    private static RawReply Ok(string json) =>
        Raw($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}");

    private static RawReply Raw(string bytes, bool close = false) => new(Encoding.UTF8.GetBytes(bytes), close);

    /// <summary>What the scripted server writes for a request, and whether it then closes the connection.</summary>
    internal sealed record RawReply(byte[] Bytes, bool Close);

    /// <summary>
    /// An HTTP server that records each request head and answers with exact bytes (null: never answer), one
    /// connection after another kept open until the reply says to close.
    /// </summary>
    internal sealed class RawHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<string, RawReply?> _reply;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _heads = [];
        private readonly List<Task> _tasks = [];
        private int _connections;
        private int _closed;

        private RawHttpServer(Func<string, RawReply?> reply)
        {
            _reply = reply;
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string Url => "http://127.0.0.1:" + Port;

        public int Connections => Volatile.Read(ref _connections);

        public IReadOnlyList<string> RequestHeads
        {
            get
            {
                lock (_heads)
                {
                    return [.. _heads];
                }
            }
        }

        public IReadOnlyList<string> RequestLines => RequestHeads.Select(h => h.Split("\r\n")[0]).ToList();

        public static RawHttpServer Start(Func<string, RawReply?> reply)
        {
            var server = new RawHttpServer(reply);
            server._listener.Start();
            server._tasks.Add(server.AcceptAsync());
            return server;
        }

        public async Task WaitForClosedAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Volatile.Read(ref _closed) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{count} connection(s) not closed within 5 s");
                await Task.Delay(10);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await Task.WhenAll(_tasks.ToArray());
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_tasks)
                {
                    _tasks.Add(ServeAsync(socket));
                }
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            try
            {
                using var stream = new NetworkStream(socket, ownsSocket: true);
                var buffer = new byte[16384];
                var filled = 0;
                while (true)
                {
                    int end;
                    while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var n = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }
                        filled += n;
                    }
                    var head = Encoding.UTF8.GetString(buffer, 0, end + 4);
                    Buffer.BlockCopy(buffer, end + 4, buffer, 0, filled - end - 4);
                    filled -= end + 4;
                    lock (_heads)
                    {
                        _heads.Add(head);
                    }
                    if (_reply(head) is not { } reply)
                    {
                        // Never answer: wait for the client to give up.
                        while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                        {
                        }
                        return;
                    }
                    await stream.WriteAsync(reply.Bytes, _stop.Token);
                    if (reply.Close)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // Client went away or the server stopped.
            }
            finally
            {
                Interlocked.Increment(ref _closed);
            }
        }
    }
}

/// <summary>In a cluster the token comes from the service account's file, re-read as the kubelet rotates it.</summary>
public sealed class ServiceAccountTokenTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task TokenFile_SentAsBearer_InsteadOfTheConfigurationsToken()
    {
        File.WriteAllText(_file, "eyJhbGciOi.token\n");
        await using var server = KubeHttpTests.RawHttpServer.Start(_ => new KubeHttpTests.RawReply(
            Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"items\":[]}"), false));
        using var client = new KubeApiClient(new ApiConnection { Host = server.Url, AccessToken = "stale", TokenFile = _file }, _ => null);
        await client.ListAsync(ApiKinds.Services(), null, null, 5, CancellationToken.None);
        Assert.Contains("\r\nAuthorization: Bearer eyJhbGciOi.token\r\n", server.RequestHeads[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatedToken_ReadAgainOnlyAfterTheRefreshInterval()
    {
        File.WriteAllText(_file, "one");
        var cached = new ServiceAccountToken(_file);
        var fresh = new ServiceAccountToken(_file, TimeSpan.Zero);
        Assert.Equal("Bearer one", await cached.AuthorizationAsync(CancellationToken.None));
        Assert.Equal("Bearer one", await fresh.AuthorizationAsync(CancellationToken.None));
        File.WriteAllText(_file, "two");
        Assert.Equal("Bearer one", await cached.AuthorizationAsync(CancellationToken.None));
        Assert.Equal("Bearer two", await fresh.AuthorizationAsync(CancellationToken.None));
    }

    [Fact]
    public void InCluster_ServiceAccountAndServiceEnvironment()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var options = new ApiSourceOptions();
            var env = new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };
            // No token and CA files: not in a cluster.
            var e = Assert.Throws<InvalidOperationException>(() => ClusterClientFactory.CreateConnection(options, n => env.GetValueOrDefault(n), dir));
            Assert.Contains("not running in a Kubernetes cluster", e.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(dir, "token"), "t");
            File.WriteAllText(Path.Combine(dir, "ca.crt"), TestCertificates.CreateCa("CN=in-cluster CA").ExportCertificatePem());
            var c = ClusterClientFactory.CreateConnection(options, n => env.GetValueOrDefault(n), dir);
            Assert.Equal("https://10.96.0.1:443/", c.Host);
            Assert.Equal(Path.Combine(dir, "token"), c.TokenFile);
            Assert.Equal("CN=in-cluster CA", Assert.Single(c.CaCerts!).Subject);

            env["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1";
            env["KUBERNETES_SERVICE_PORT"] = "6443";
            Assert.Equal("https://[fd00:10:96::1]:6443/", ClusterClientFactory.CreateConnection(options, n => env.GetValueOrDefault(n), dir).Host);

            env["KUBERNETES_SERVICE_PORT"] = "https";
            Assert.Contains("KUBERNETES_SERVICE_PORT", Assert.Throws<InvalidOperationException>(() => ClusterClientFactory.CreateConnection(options, n => env.GetValueOrDefault(n), dir)).Message, StringComparison.Ordinal);

            env.Remove("KUBERNETES_SERVICE_HOST");
            Assert.Throws<InvalidOperationException>(() => ClusterClientFactory.CreateConnection(options, n => env.GetValueOrDefault(n), dir));

            // An endpoint wins over the service account: no token file.
            env["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
            env["KUBERNETES_SERVICE_PORT"] = "443";
            var endpoint = ClusterClientFactory.CreateConnection(new ApiSourceOptions { Endpoint = "http://127.0.0.1:8080" }, n => env.GetValueOrDefault(n), dir);
            Assert.Equal(("http://127.0.0.1:8080", null), (endpoint.Host, endpoint.TokenFile));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
