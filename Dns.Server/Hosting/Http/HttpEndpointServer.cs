using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting.Http;

/// <summary>
/// A minimal HTTP/1.1 server for the probe and metrics endpoints (<c>/health</c>, <c>/ready</c>, <c>/metrics</c>):
/// one request per connection, answered with <c>Connection: close</c>. Routes are leased so that a reload can hand
/// a path to the new configuration without closing the socket (CoreDNS uses SO_REUSEPORT for the same effect).
/// </summary>
internal sealed partial class HttpEndpointServer : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxConnections = 64;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly Dictionary<string, List<HttpLease>> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _log;
    private readonly Socket _socket;
    private int _connections;

    public HttpEndpointServer(string address, ILogger log)
    {
        Address = address;
        _log = log;
        var ep = HttpAddress.Resolve(address);
        _socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ep.AddressFamily == AddressFamily.InterNetworkV6 && ep.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(ep);
            _socket.Listen(128);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The address as configured (<c>:8080</c>).</summary>
    public string Address { get; }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Number of routes held.</summary>
    public int RouteCount
    {
        get
        {
            lock (_gate)
            {
                var n = 0;
                foreach (var l in _routes.Values)
                {
                    n += l.Count;
                }
                return n;
            }
        }
    }

    /// <summary>Serves <paramref name="path"/> with <paramref name="handler"/> until the lease is disposed; the newest lease of a path wins.</summary>
    public HttpLease Lease(string path, Func<HttpResponse> handler, Action<HttpLease> released)
    {
        var lease = new HttpLease(this, path, handler, released);
        lock (_gate)
        {
            if (!_routes.TryGetValue(path, out var list))
            {
                list = [];
                _routes[path] = list;
            }
            list.Add(lease);
        }
        return lease;
    }

    internal bool Remove(HttpLease lease)
    {
        lock (_gate)
        {
            if (_routes.TryGetValue(lease.Path, out var list) && list.Remove(lease) && list.Count == 0)
            {
                _routes.Remove(lease.Path);
            }
            return _routes.Count == 0;
        }
    }

    private Func<HttpResponse>? Find(string path)
    {
        lock (_gate)
        {
            return _routes.TryGetValue(path, out var list) && list.Count > 0 ? list[^1].Handler : null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            // Probes and scrapes are a handful of connections; a flood must not cost more than this many.
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                client.Dispose();
                continue;
            }
            _ = ServeAndReleaseAsync(client);
        }
    }

    private async Task ServeAndReleaseAsync(Socket client)
    {
        try
        {
            await ServeAsync(client).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(RequestTimeout);
        try
        {
            var buffer = new byte[MaxHeaderBytes];
            var read = 0;
            var headerEnd = -1;
            while (headerEnd < 0)
            {
                if (read == buffer.Length)
                {
                    await WriteAsync(client, "HTTP/1.1", false, new HttpResponse(431, "431 Request Header Fields Too Large"), cts.Token).ConfigureAwait(false);
                    return;
                }
                var n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                read += n;
                headerEnd = buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8);
                if (headerEnd < 0)
                {
                    var lf = buffer.AsSpan(0, read).IndexOf("\n\n"u8);
                    headerEnd = lf;
                }
            }
            var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
            var lineEnd = head.IndexOf('\n', StringComparison.Ordinal);
            var requestLine = (lineEnd < 0 ? head : head[..lineEnd]).TrimEnd('\r');
            var parts = requestLine.Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal))
            {
                await WriteAsync(client, "HTTP/1.1", false, new HttpResponse(400, "400 Bad Request"), cts.Token).ConfigureAwait(false);
                return;
            }
            var method = parts[0];
            var target = parts[1];
            var q = target.IndexOf('?', StringComparison.Ordinal);
            var path = q >= 0 ? target[..q] : target;
            if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(path, UriKind.Absolute, out var abs))
            {
                path = abs.AbsolutePath;
            }
            var handler = Find(path);
            var response = handler is null ? new HttpResponse(404, "404 page not found\n") : handler();
            await WriteAsync(client, parts[2], method == "HEAD", response, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Client gone or too slow: nothing to answer.
        }
        catch (Exception e)
        {
            LogHandlerError(_log, Address, e);
        }
    }

    private static async Task WriteAsync(Socket client, string version, bool headOnly, HttpResponse response, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(response.Body);
        var sb = new StringBuilder();
        sb.Append(version == "HTTP/1.0" ? "HTTP/1.0" : "HTTP/1.1").Append(' ')
            .Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase(response.Status)).Append("\r\n");
        sb.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("Connection: close\r\n\r\n");
        var headBytes = Encoding.ASCII.GetBytes(sb.ToString());
        await client.SendAsync(headBytes, SocketFlags.None, ct).ConfigureAwait(false);
        if (!headOnly && body.Length > 0)
        {
            await client.SendAsync(body, SocketFlags.None, ct).ConfigureAwait(false);
        }
        client.Shutdown(SocketShutdown.Send);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "HTTP handler on {Address} failed")]
    private static partial void LogHandlerError(ILogger logger, string address, Exception exception);
}
