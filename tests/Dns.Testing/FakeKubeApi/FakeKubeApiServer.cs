using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using System.Web;
using k8s;
using k8s.Models;

namespace Dns.Testing.FakeKubeApi;

/// <summary>
/// A Kubernetes API server for tests, speaking the real REST protocol over plain HTTP/1.1 on 127.0.0.1 (a tiny
/// TcpListener server, so faults can be exact): LIST with <c>metadata.resourceVersion</c>, <c>limit</c>/<c>continue</c>
/// paging and <c>labelSelector</c>; WATCH (<c>watch=true</c>) as a chunked stream of <c>{"type","object"}</c> lines
/// replayed from the requested resourceVersion, with BOOKMARK and ERROR 410 events. Services, Pods, Namespaces and
/// discovery.k8s.io/v1 EndpointSlices. Faults: <see cref="Compact"/>, <see cref="ExpireWatches"/>,
/// <see cref="CloseWatches"/>, <see cref="MuteWatches"/>, <see cref="Fail"/>, <see cref="Stop"/>/<see cref="Start"/>.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeResource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _watchCounts = new(StringComparer.Ordinal);
    private readonly List<string> _requestLog = [];
    private readonly List<FakeWatch> _watches = [];
    private readonly HashSet<Socket> _sockets = [];
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _rv = 1000;
    private (int Status, string? Resource, bool? Watch)? _fault;
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly X509Certificate2? _tlsCertificate;
    private readonly bool _requireClientCertificate;

    private FakeKubeApiServer(X509Certificate2? tlsCertificate = null, bool requireClientCertificate = false)
    {
        _tlsCertificate = tlsCertificate;
        _requireClientCertificate = requireClientCertificate;
        foreach (var t in new[] { typeof(V1Service), typeof(V1Pod), typeof(V1Namespace), typeof(V1EndpointSlice) })
        {
            var r = FakeResource.For(t);
            _resources[r.Plural] = r;
        }
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => (_tlsCertificate is null ? "http" : "https") + "://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The port (kept across <see cref="Stop"/>/<see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Whether it is accepting connections.</summary>
    public bool IsRunning => _listener is not null;

    /// <summary>The current (latest) resourceVersion.</summary>
    public string ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _rv.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// When true, a watch from a compacted resourceVersion is refused with HTTP 410 at the start; when false (default,
    /// what current API servers do) the watch opens and its first line is an ERROR event with Status 410.
    /// </summary>
    public bool ExpiredWatchAsHttpStatus { get; set; }

    /// <summary>Every request as "GET path?query", in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestLog];
            }
        }
    }

    /// <summary>The Authorization header of the latest request that had one (e.g. "Bearer TOKEN").</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>Subject of the client certificate of the latest TLS connection that presented one.</summary>
    public string? LastClientCertificateSubject { get; private set; }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static Task<FakeKubeApiServer> StartAsync()
    {
        var s = new FakeKubeApiServer();
        s.Start();
        return Task.FromResult(s);
    }

    /// <summary>
    /// Starts a server speaking HTTPS with <paramref name="certificate"/> (with its private key); with
    /// <paramref name="requireClientCertificate"/> a client must present a certificate (any: its subject is recorded).
    /// </summary>
    public static Task<FakeKubeApiServer> StartTlsAsync(X509Certificate2 certificate, bool requireClientCertificate = false)
    {
        var s = new FakeKubeApiServer(certificate, requireClientCertificate);
        s.Start();
        return Task.FromResult(s);
    }

    /// <summary>LIST requests served for <paramref name="resource"/> (services, pods, namespaces, endpointslices), paging included.</summary>
    public int ListCount(string resource)
    {
        lock (_gate)
        {
            return _lists.GetValueOrDefault(resource);
        }
    }

    /// <summary>WATCH requests received for <paramref name="resource"/>.</summary>
    public int WatchCount(string resource)
    {
        lock (_gate)
        {
            return _watchCounts.GetValueOrDefault(resource);
        }
    }

    /// <summary>Watch streams currently open for <paramref name="resource"/> (null: all).</summary>
    public int OpenWatches(string? resource = null)
    {
        lock (_gate)
        {
            var n = 0;
            foreach (var w in _watches)
            {
                if (resource is null || w.Resource.Plural == resource)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>Creates an object (namespace "default" when unset for namespaced kinds); returns the stored copy with its resourceVersion.</summary>
    public T Add<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta> => Store(obj, "ADDED");

    /// <summary>Replaces an object (MODIFIED; created when missing).</summary>
    public T Update<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta> => Store(obj, "MODIFIED");

    /// <summary>Deletes an object (DELETED event); false when it did not exist.</summary>
    public bool Delete<T>(string? ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var r = Resource<T>();
        lock (_gate)
        {
            ns = r.Namespaced ? (string.IsNullOrEmpty(ns) ? "default" : ns) : null;
            var key = FakeResource.Key(ns, name);
            if (!r.Objects.Remove(key, out var old))
            {
                return false;
            }
            var rv = ++_rv;
            var node = JsonNode.Parse(old.Json)!;
            node["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            var gone = old with { Json = node.ToJsonString(), Rv = rv };
            Publish(r, new FakeWatchEvent(rv, "DELETED", gone, old.Labels));
            return true;
        }
    }

    /// <summary>Forgets the event history: watches from any resourceVersion before now get 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            foreach (var r in _resources.Values)
            {
                r.Log.Clear();
                r.CompactedRv = _rv;
            }
        }
    }

    /// <summary>Sends an ERROR event (Status 410 Expired) on every open watch, then ends those streams.</summary>
    public void ExpireWatches(string? resource = null) => ForWatches(resource, w =>
    {
        w.Send(WatchLine("ERROR", StatusJson(410, "Expired", "too old resource version")));
        w.Close();
    });

    /// <summary>Writes <paramref name="line"/> verbatim as one line on every open watch (e.g. garbage, or an ERROR with another Status).</summary>
    public void SendRawWatchLine(string line, string? resource = null) => ForWatches(resource, w => w.Send(line));

    /// <summary>Ends every open watch stream normally (as the server's timeout would).</summary>
    public void CloseWatches(string? resource = null) => ForWatches(resource, w => w.Close());

    /// <summary>Open watches go silent: they stay connected but never send again (a dropped TCP path). New watches are normal.</summary>
    public void MuteWatches(string? resource = null) => ForWatches(resource, w => w.Mute());

    /// <summary>Sends a BOOKMARK at the current resourceVersion on every open watch that asked for bookmarks.</summary>
    public void SendBookmarks(string? resource = null)
    {
        lock (_gate)
        {
            var rv = _rv.ToString(CultureInfo.InvariantCulture);
            foreach (var w in _watches)
            {
                if ((resource is null || w.Resource.Plural == resource) && w.Bookmarks)
                {
                    var obj = new JsonObject
                    {
                        ["kind"] = w.Resource.Kind,
                        ["apiVersion"] = w.Resource.GroupVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
                    };
                    w.Send(WatchLine("BOOKMARK", obj.ToJsonString()));
                }
            }
        }
    }

    /// <summary>
    /// From now on answer requests with HTTP <paramref name="status"/> and a Status body (e.g. 500, 403), optionally only
    /// for one resource and only for lists (<paramref name="watch"/> false) or watches (true). <see cref="ClearFault"/> ends it.
    /// </summary>
    public void Fail(int status, string? resource = null, bool? watch = null)
    {
        lock (_gate)
        {
            _fault = (status, resource, watch);
        }
    }

    /// <summary>Stops failing requests.</summary>
    public void ClearFault()
    {
        lock (_gate)
        {
            _fault = null;
        }
    }

    /// <summary>An outage: stops listening and resets every connection. Objects and history are kept.</summary>
    public void Stop()
    {
        TcpListener? l;
        List<Socket> sockets;
        List<FakeWatch> watches;
        lock (_gate)
        {
            l = _listener;
            _listener = null;
            sockets = [.. _sockets];
            _sockets.Clear();
            watches = [.. _watches];
            _watches.Clear();
        }
        l?.Stop();
        // Reset connections before ending the streams, so clients see a broken connection, not a clean end.
        foreach (var s in sockets)
        {
            try
            {
                s.LingerState = new LingerOption(true, 0);
                s.Close();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }
        foreach (var w in watches)
        {
            w.Close();
        }
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener.
        }
    }

    /// <summary>Listens again (on the same port after a <see cref="Stop"/>).</summary>
    public void Start()
    {
        if (_listener is not null)
        {
            return;
        }
        var l = new TcpListener(IPAddress.Loopback, Port);
        l.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        lock (_gate)
        {
            _listener = l;
        }
        _acceptLoop = Task.Run(() => AcceptLoopAsync(l));
    }

    /// <summary>Completes once <paramref name="condition"/> holds, re-checked after every request and change; false on timeout.</summary>
    public async Task<bool> WaitForAsync(Func<FakeKubeApiServer, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task pulse;
            lock (_gate)
            {
                pulse = _pulse.Task;
            }
            if (condition(this))
            {
                return true;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            await Task.WhenAny(pulse, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        Stop();
        _disposed.Dispose();
    }

    private T Store<T>(T obj, string type)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var r = Resource<T>();
        var name = obj.Metadata?.Name ?? throw new ArgumentException("metadata.name is required");
        lock (_gate)
        {
            var copy = KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
            copy.Kind = r.Kind;
            copy.ApiVersion = r.GroupVersion;
            var meta = copy.Metadata;
            meta.NamespaceProperty = r.Namespaced ? (string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty) : null;
            var key = FakeResource.Key(meta.NamespaceProperty, name);
            r.Objects.TryGetValue(key, out var old);
            if (type == "ADDED" && old is not null)
            {
                type = "MODIFIED";
            }
            else if (type == "MODIFIED" && old is null)
            {
                type = "ADDED";
            }
            var rv = ++_rv;
            meta.ResourceVersion = rv.ToString(CultureInfo.InvariantCulture);
            meta.Uid ??= Guid.NewGuid().ToString();
            meta.CreationTimestamp ??= DateTime.UtcNow;
            var stored = new FakeStoredObject(meta.NamespaceProperty, name, meta.Labels, KubernetesJson.Serialize(copy), rv);
            r.Objects[key] = stored;
            Publish(r, new FakeWatchEvent(rv, type, stored, old?.Labels));
            return KubernetesJson.Deserialize<T>(stored.Json);
        }
    }

    private FakeResource Resource<T>() => _resources[FakeResource.For(typeof(T)).Plural];

    // Caller holds _gate.
    private void Publish(FakeResource r, FakeWatchEvent e)
    {
        r.Log.Add(e);
        foreach (var w in _watches)
        {
            if (w.Resource == r && Translate(w, e) is { } line)
            {
                w.Send(line);
            }
        }
        PulseLocked();
    }

    private static string? Translate(FakeWatch w, FakeWatchEvent e)
    {
        if (w.Namespace is not null && e.Object.Namespace != w.Namespace)
        {
            return null;
        }
        var now = w.Selector.Matches(e.Object.Labels);
        var before = e.Type == "MODIFIED" && w.Selector.Matches(e.OldLabels);
        var type = e.Type switch
        {
            "MODIFIED" when now && !before => "ADDED",
            "MODIFIED" when !now && before => "DELETED",
            "MODIFIED" when now => "MODIFIED",
            "ADDED" or "DELETED" when now => e.Type,
            _ => null,
        };
        return type is null ? null : WatchLine(type, e.Object.Json);
    }

    private void ForWatches(string? resource, Action<FakeWatch> action)
    {
        lock (_gate)
        {
            foreach (var w in _watches.ToArray())
            {
                if (resource is null || w.Resource.Plural == resource)
                {
                    action(w);
                }
            }
        }
    }

    private void PulseLocked()
    {
        var p = _pulse;
        _pulse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.TrySetResult();
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            lock (_gate)
            {
                if (_listener != listener)
                {
                    socket.Dispose();
                    return;
                }
                _sockets.Add(socket);
            }
            _ = Task.Run(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        try
        {
            socket.NoDelay = true;
            await using var stream = await OpenAsync(socket).ConfigureAwait(false);
            var buffer = new byte[16384];
            var filled = 0;
            while (true)
            {
                var end = -1;
                while ((end = IndexOfHeaderEnd(buffer, filled)) < 0)
                {
                    if (filled == buffer.Length)
                    {
                        return;
                    }
                    var n = await stream.ReadAsync(buffer.AsMemory(filled), _disposed.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return;
                    }
                    filled += n;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                var consumed = end + 4;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                foreach (var h in lines)
                {
                    if (h.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                    {
                        LastAuthorization = h["Authorization:".Length..].Trim();
                    }
                }
                if (requestLine.Length < 2)
                {
                    return;
                }
                var keepAlive = await HandleAsync(stream, requestLine[0], requestLine[1]).ConfigureAwait(false);
                if (!keepAlive)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // Client went away, the server stopped, or the TLS handshake failed.
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // A request the fake cannot make sense of (e.g. a forged continue token): drop the connection.
        }
        finally
        {
            lock (_gate)
            {
                _sockets.Remove(socket);
            }
        }
    }

    /// <summary>The connection's stream: the socket's, or TLS over it (handshake done) when serving HTTPS.</summary>
    private async Task<Stream> OpenAsync(Socket socket)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        if (_tlsCertificate is null)
        {
            return network;
        }
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = _tlsCertificate,
                    ClientCertificateRequired = _requireClientCertificate,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        if (certificate is not null)
                        {
                            LastClientCertificateSubject = certificate.Subject;
                        }
                        return certificate is not null || !_requireClientCertificate;
                    },
                },
                _disposed.Token).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static int IndexOfHeaderEnd(byte[] b, int count)
    {
        for (var i = 0; i + 3 < count; i++)
        {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    private async Task<bool> HandleAsync(Stream stream, string method, string target)
    {
        var q = target.IndexOf('?');
        var path = q < 0 ? target : target[..q];
        var query = HttpUtility.ParseQueryString(q < 0 ? "" : target[(q + 1)..]);
        var watch = query["watch"] is "true" or "1";
        lock (_gate)
        {
            _requestLog.Add(method + " " + target);
            PulseLocked();
        }
        if (!TryRoute(path, out var resource, out var ns, out var name))
        {
            await WriteJsonAsync(stream, 404, StatusJson(404, "NotFound", "the server could not find the requested resource")).ConfigureAwait(false);
            return true;
        }
        (int Status, string? Resource, bool? Watch)? fault;
        lock (_gate)
        {
            fault = _fault;
            if (watch)
            {
                _watchCounts[resource.Plural] = _watchCounts.GetValueOrDefault(resource.Plural) + 1;
            }
            else
            {
                _lists[resource.Plural] = _lists.GetValueOrDefault(resource.Plural) + 1;
            }
            PulseLocked();
        }
        if (fault is { } f && (f.Resource is null || f.Resource == resource.Plural) && (f.Watch is null || f.Watch == watch))
        {
            await WriteJsonAsync(stream, f.Status, StatusJson(f.Status, ReasonOf(f.Status), "injected failure")).ConfigureAwait(false);
            return true;
        }
        if (method != "GET")
        {
            await WriteJsonAsync(stream, 405, StatusJson(405, "MethodNotAllowed", "the fake API server is read-only over HTTP")).ConfigureAwait(false);
            return true;
        }
        var selector = LabelSelector.Parse(query["labelSelector"]);
        if (name is not null)
        {
            string? json;
            lock (_gate)
            {
                json = resource.Objects.TryGetValue(FakeResource.Key(ns, name), out var o) ? o.Json : null;
            }
            await WriteJsonAsync(stream, json is null ? 404 : 200, json ?? StatusJson(404, "NotFound", $"{resource.Plural} \"{name}\" not found")).ConfigureAwait(false);
            return true;
        }
        if (watch)
        {
            await ServeWatchAsync(stream, resource, ns, selector, query).ConfigureAwait(false);
            return false;
        }
        await WriteJsonAsync(stream, 200, List(resource, ns, selector, query["limit"], query["continue"])).ConfigureAwait(false);
        return true;
    }

    private bool TryRoute(string path, out FakeResource resource, out string? ns, out string? name)
    {
        resource = null!;
        ns = null;
        name = null;
        string rest;
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal))
        {
            rest = path["/api/v1/".Length..];
        }
        else if (path.StartsWith("/apis/discovery.k8s.io/v1/", StringComparison.Ordinal))
        {
            rest = path["/apis/discovery.k8s.io/v1/".Length..];
        }
        else
        {
            return false;
        }
        var groupVersion = path.StartsWith("/api/v1/", StringComparison.Ordinal) ? "v1" : "discovery.k8s.io/v1";
        var seg = rest.Trim('/').Split('/');
        string plural;
        switch (seg.Length)
        {
            case 1:
                plural = seg[0];
                break;
            case 2 when seg[0] == "namespaces":
                plural = "namespaces";
                name = seg[1];
                break;
            case 3 when seg[0] == "namespaces":
                plural = seg[2];
                ns = seg[1];
                break;
            case 4 when seg[0] == "namespaces":
                plural = seg[2];
                ns = seg[1];
                name = seg[3];
                break;
            default:
                return false;
        }
        if (!_resources.TryGetValue(plural, out var r) || r.GroupVersion != groupVersion)
        {
            return false;
        }
        resource = r;
        return true;
    }

    private string List(FakeResource r, string? ns, LabelSelector selector, string? limitText, string? cont)
    {
        lock (_gate)
        {
            var rv = _rv;
            var offset = 0;
            if (!string.IsNullOrEmpty(cont))
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cont)).Split(':');
                rv = long.Parse(parts[0], CultureInfo.InvariantCulture);
                offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            var limit = int.TryParse(limitText, out var l) && l > 0 ? l : int.MaxValue;
            var items = new JsonArray();
            var index = 0;
            string? next = null;
            foreach (var o in r.Objects.Values)
            {
                if ((ns is not null && o.Namespace != ns) || !selector.Matches(o.Labels))
                {
                    continue;
                }
                if (index++ < offset)
                {
                    continue;
                }
                if (items.Count == limit)
                {
                    next = Convert.ToBase64String(Encoding.UTF8.GetBytes(rv.ToString(CultureInfo.InvariantCulture) + ":" + (offset + limit).ToString(CultureInfo.InvariantCulture)));
                    break;
                }
                items.Add(JsonNode.Parse(o.Json));
            }
            var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
            if (next is not null)
            {
                meta["continue"] = next;
            }
            return new JsonObject
            {
                ["kind"] = r.Kind + "List",
                ["apiVersion"] = r.GroupVersion,
                ["metadata"] = meta,
                ["items"] = items,
            }.ToJsonString();
        }
    }

    private async Task ServeWatchAsync(Stream stream, FakeResource r, string? ns, LabelSelector selector, System.Collections.Specialized.NameValueCollection query)
    {
        var rvText = query["resourceVersion"];
        var bookmarks = query["allowWatchBookmarks"] is "true" or "1";
        var timeout = int.TryParse(query["timeoutSeconds"], out var t) && t > 0 ? TimeSpan.FromSeconds(t) : Timeout.InfiniteTimeSpan;
        var w = new FakeWatch(r, ns, selector, bookmarks);
        bool expired;
        lock (_gate)
        {
            var from = long.TryParse(rvText, out var v) ? v : 0;
            expired = from != 0 && from < r.CompactedRv;
            if (!expired)
            {
                if (from == 0)
                {
                    foreach (var o in r.Objects.Values)
                    {
                        if ((ns is null || o.Namespace == ns) && selector.Matches(o.Labels))
                        {
                            w.Send(WatchLine("ADDED", o.Json));
                        }
                    }
                }
                else
                {
                    foreach (var e in r.Log)
                    {
                        if (e.Rv > from && Translate(w, e) is { } line)
                        {
                            w.Send(line);
                        }
                    }
                }
                _watches.Add(w);
            }
            PulseLocked();
        }
        if (expired && ExpiredWatchAsHttpStatus)
        {
            await WriteJsonAsync(stream, 410, StatusJson(410, "Expired", $"too old resource version: {rvText} ({r.CompactedRv})"), close: true).ConfigureAwait(false);
            return;
        }
        var header = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _disposed.Token).ConfigureAwait(false);
        await stream.FlushAsync(_disposed.Token).ConfigureAwait(false);
        if (expired)
        {
            await WriteChunkAsync(stream, WatchLine("ERROR", StatusJson(410, "Expired", $"too old resource version: {rvText} ({r.CompactedRv})"))).ConfigureAwait(false);
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _disposed.Token).ConfigureAwait(false);
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            cts.CancelAfter(timeout);
        }
        try
        {
            await foreach (var line in w.Lines.ReadAllAsync(cts.Token).ConfigureAwait(false))
            {
                await WriteChunkAsync(stream, line).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!_disposed.IsCancellationRequested)
        {
            // timeoutSeconds reached: end the stream normally.
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(w);
                PulseLocked();
            }
        }
        if (!w.Muted)
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _disposed.Token).ConfigureAwait(false);
            await stream.FlushAsync(_disposed.Token).ConfigureAwait(false);
        }
    }

    private async Task WriteChunkAsync(Stream stream, string line)
    {
        var data = Encoding.UTF8.GetBytes(line + "\n");
        var head = Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        var chunk = new byte[head.Length + data.Length + 2];
        head.CopyTo(chunk, 0);
        data.CopyTo(chunk, head.Length);
        chunk[^2] = (byte)'\r';
        chunk[^1] = (byte)'\n';
        await stream.WriteAsync(chunk, _disposed.Token).ConfigureAwait(false);
        await stream.FlushAsync(_disposed.Token).ConfigureAwait(false);
    }

    private async Task WriteJsonAsync(Stream stream, int status, string json, bool close = false)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status} {ReasonOf(status)}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
        var h = Encoding.ASCII.GetBytes(head);
        var all = new byte[h.Length + body.Length];
        h.CopyTo(all, 0);
        body.CopyTo(all, h.Length);
        await stream.WriteAsync(all, _disposed.Token).ConfigureAwait(false);
        await stream.FlushAsync(_disposed.Token).ConfigureAwait(false);
    }

    private static string WatchLine(string type, string objectJson) =>
        "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";

    private static string StatusJson(int code, string reason, string message) => new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }.ToJsonString();

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        410 => "Gone",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        _ => "Error",
    };
}
