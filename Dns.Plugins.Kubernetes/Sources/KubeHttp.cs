using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// The HTTP/1.1 GETs the API source makes (LIST pages and WATCH streams), over a <see cref="Socket"/> and, for
/// https, an <see cref="SslStream"/>. It keeps a few idle keep-alive connections for the next LIST page and
/// retries a GET once when an idle connection turns out to be closed. Bodies are framed by Content-Length, chunked
/// or by the end of the connection. An HTTP proxy from <c>HTTPS_PROXY</c>/<c>HTTP_PROXY</c> and <c>NO_PROXY</c>
/// is honoured as client-go honours it (<see cref="KubeProxy"/>): CONNECT for https, absolute-form requests for
/// http. This replaces <see cref="System.Net.Http.HttpClient"/>, whose stack (assembly, handler, connection pools
/// and the async code compiled for them) cost 3–5 MB resident for the four requests DNS makes; the API server
/// speaks HTTP/1.1 to client-go as well.
/// </summary>
internal sealed class KubeHttp : IDisposable
{
    private const int MaxIdle = 4;
    private static readonly long IdleLimitTicks = TimeSpan.FromSeconds(30).Ticks;

    private readonly string _host;
    private readonly int _port;
    private readonly string _hostHeader;
    private readonly string _pathPrefix;
    private readonly Func<SslClientAuthenticationOptions>? _tls;
    private readonly KubeProxy? _proxy;
    private readonly string _requestTargetBase;
    private readonly Lock _gate = new();
    private readonly Stack<KubeHttpConnection> _idle = new();
    private bool _disposed;

    /// <param name="baseUri">The API server URL (http or https), possibly with a path prefix.</param>
    /// <param name="tls">TLS options for each new connection (https: required; http: ignored).</param>
    /// <param name="proxy">The proxy to go through, or null for a direct connection (see <see cref="KubeProxy.For"/>).</param>
    public KubeHttp(ApiUrl baseUri, Func<SslClientAuthenticationOptions>? tls, KubeProxy? proxy = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        _host = baseUri.DnsSafeHost;
        _port = baseUri.Port;
        _hostHeader = baseUri.IsDefaultPort ? baseUri.Host : baseUri.Host + ":" + _port.ToString(CultureInfo.InvariantCulture);
        _pathPrefix = baseUri.Path.TrimEnd('/');
        _tls = !baseUri.IsHttps ? null
            : tls ?? throw new ArgumentException("an https URL needs TLS options", nameof(tls));
        _proxy = proxy;
        // Through a proxy, plain http asks for the absolute URL; https tunnels and asks for the path.
        _requestTargetBase = proxy is not null && _tls is null ? "http://" + _hostHeader + _pathPrefix : _pathPrefix;
    }

    /// <summary>Idle keep-alive connections (tests).</summary>
    internal int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>
    /// GET <paramref name="pathAndQuery"/> (under the URL's path prefix); the response's head is read, its body is
    /// the caller's to read and dispose.
    /// </summary>
    public async Task<KubeHttpResponse> GetAsync(string pathAndQuery, string? authorization, CancellationToken cancellationToken)
    {
        var request = new StringBuilder(256)
            .Append("GET ").Append(_requestTargetBase).Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(_hostHeader).Append("\r\n")
            .Append("User-Agent: coredns-dotnet/1\r\nAccept: application/json\r\n");
        if (_proxy?.Authorization is { } proxyAuthorization && _tls is null)
        {
            request.Append("Proxy-Authorization: ").Append(proxyAuthorization).Append("\r\n");
        }
        if (authorization is not null)
        {
            request.Append("Authorization: ").Append(authorization).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(request.Append("\r\n").ToString());
        while (true)
        {
            var connection = TakeIdle();
            var reused = connection is not null;
            connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await connection.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                return await connection.ReadResponseAsync(this, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (reused && !cancellationToken.IsCancellationRequested && e is IOException or SocketException)
            {
                // The server closed the idle connection (keep-alive timeout): a GET is safe to send again.
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_idle.TryPop(out var c))
            {
                c.Dispose();
            }
        }
    }

    /// <summary>A connection whose last response was read to its end, for the next request.</summary>
    internal void Return(KubeHttpConnection connection)
    {
        connection.IdleSince = Environment.TickCount64;
        lock (_gate)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }
        connection.Dispose();
    }

    private KubeHttpConnection? TakeIdle()
    {
        lock (_gate)
        {
            while (_idle.TryPop(out var c))
            {
                if ((Environment.TickCount64 - c.IdleSince) * TimeSpan.TicksPerMillisecond < IdleLimitTicks)
                {
                    return c;
                }
                c.Dispose();
            }
        }
        return null;
    }

    /// <summary>TLS over <paramref name="stream"/> (its own method: plain http never loads the TLS assemblies).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<Stream> TlsAsync(Stream stream, Func<SslClientAuthenticationOptions> tls, string host, CancellationToken cancellationToken)
    {
        var options = tls();
        options.TargetHost ??= host;
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<KubeHttpConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        // Dual-mode where the host has IPv6; every address the name resolves to is tried in turn.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // As client-go's dialer: TCP keep-alive finds a dead peer under a long, quiet watch.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            Stream stream;
            if (_proxy is null)
            {
                await socket.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
            }
            else
            {
                await socket.ConnectAsync(_proxy.Host, _proxy.Port, cancellationToken).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (_tls is not null)
                {
                    await _proxy.TunnelAsync(stream, _hostHeader, cancellationToken).ConfigureAwait(false);
                }
            }
            if (_tls is not null)
            {
                stream = await TlsAsync(stream, _tls, _host, cancellationToken).ConfigureAwait(false);
            }
            return new KubeHttpConnection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// An HTTP proxy as Go's <c>http.ProxyFromEnvironment</c> picks it, which client-go (and so CoreDNS) uses:
/// <c>HTTPS_PROXY</c> (or <c>https_proxy</c>) for https, <c>HTTP_PROXY</c> (or <c>http_proxy</c>) for http, a URL
/// without a scheme taken as http; never for localhost or a loopback address; not for hosts <c>NO_PROXY</c> lists
/// (<c>*</c>, IP addresses, CIDR ranges, domain names matching themselves and their subdomains, <c>.domain</c>
/// only subdomains, each with an optional port).
/// </summary>
internal sealed class KubeProxy
{
    private KubeProxy(string host, int port, string? authorization)
    {
        Host = host;
        Port = port;
        Authorization = authorization;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>The Proxy-Authorization value for credentials in the proxy URL, or null.</summary>
    public string? Authorization { get; }

    /// <summary>The proxy for <paramref name="target"/> from <paramref name="environment"/>, or null to connect directly.</summary>
    public static KubeProxy? For(ApiUrl target, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(environment);
        var https = target.IsHttps;
        var setting = https ? Any(environment, "HTTPS_PROXY", "https_proxy") : Any(environment, "HTTP_PROXY", "http_proxy");
        if (setting is null)
        {
            return null;
        }
        var host = target.DnsSafeHost;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip))
            || Excluded(Any(environment, "NO_PROXY", "no_proxy"), host, target.Port))
        {
            return null;
        }
        var text = setting.Contains("://", StringComparison.Ordinal) ? setting : "http://" + setting;
        if (!ApiUrl.TryParse(text, out var proxy) || proxy.IsHttps)
        {
            throw new InvalidOperationException($"unsupported proxy \"{setting}\" (only http:// proxies are)");
        }
        string? authorization = null;
        if (proxy.UserInfo.Length > 0)
        {
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiUrl.Unescape(proxy.UserInfo)));
        }
        return new KubeProxy(proxy.DnsSafeHost, proxy.Port, authorization);
    }

    /// <summary>CONNECT to <paramref name="authority"/> through the proxy on <paramref name="stream"/>.</summary>
    public async Task TunnelAsync(Stream stream, string authority, CancellationToken cancellationToken)
    {
        var request = new StringBuilder("CONNECT ").Append(authority).Append(" HTTP/1.1\r\nHost: ").Append(authority).Append("\r\n");
        if (Authorization is not null)
        {
            request.Append("Proxy-Authorization: ").Append(Authorization).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.Append("\r\n").ToString()), cancellationToken).ConfigureAwait(false);
        // Byte by byte up to the blank line: nothing of the tunnel may be read into a buffer here.
        var head = new List<byte>(128);
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (head.Count > 16 * 1024)
            {
                throw new IOException("the proxy's CONNECT response headers exceed 16 KB");
            }
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException($"the proxy {Host}:{Port} closed the connection during CONNECT");
            }
            head.Add(one[0]);
        }
        var statusLine = Encoding.Latin1.GetString(head.ToArray()).Split("\r\n", 2)[0];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) || statusLine[9] != '2')
        {
            throw new IOException($"the proxy {Host}:{Port} refused CONNECT {authority}: {statusLine}");
        }
    }

    private static string? Any(Func<string, string?> environment, string upper, string lower) =>
        environment(upper) is { Length: > 0 } u ? u : environment(lower) is { Length: > 0 } l ? l : null;

    private static bool Excluded(string? noProxy, string host, int port)
    {
        if (noProxy is null)
        {
            return false;
        }
        host = host.ToLowerInvariant();
        var hostIp = System.Net.IPAddress.TryParse(host, out var parsed) ? parsed : null;
        foreach (var raw in noProxy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.ToLowerInvariant();
            if (entry == "*")
            {
                return true;
            }
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                if (hostIp is not null && network.Contains(hostIp))
                {
                    return true;
                }
                continue;
            }
            if (System.Net.IPAddress.TryParse(entry.Trim('[', ']'), out var entryIp))
            {
                if (hostIp is not null && entryIp.Equals(hostIp))
                {
                    return true;
                }
                continue;
            }
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var entryPort))
            {
                if (entryPort != port)
                {
                    continue;
                }
                entry = entry[..colon];
                if (System.Net.IPAddress.TryParse(entry.Trim('[', ']'), out entryIp))
                {
                    if (hostIp is not null && entryIp.Equals(hostIp))
                    {
                        return true;
                    }
                    continue;
                }
            }
            if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                entry = entry[1..];
            }
            if (entry.StartsWith('.'))
            {
                if (host.EndsWith(entry, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (host == entry || host.EndsWith("." + entry, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>One HTTP/1.1 connection to the API server with its read buffer.</summary>
internal sealed class KubeHttpConnection : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public KubeHttpConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    public long IdleSince { get; set; }

    public ValueTask WriteAsync(byte[] data, CancellationToken cancellationToken) => _stream.WriteAsync(data, cancellationToken);

    /// <summary>The status line and headers of the next response (1xx interim responses skipped).</summary>
    public async Task<KubeHttpResponse> ReadResponseAsync(KubeHttp owner, CancellationToken cancellationToken)
    {
        var headerBytes = 0;
        while (true)
        {
            var statusLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("the API server closed the connection before responding");
            headerBytes += statusLine.Length;
            // "HTTP/1.1 200 OK"
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) || statusLine[8] != ' '
                || !int.TryParse(statusLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new IOException("not an HTTP/1.1 response: " + Clip(statusLine));
            }
            var keepAlive = statusLine[7] == '1';
            long contentLength = -1;
            var chunked = false;
            string? retryAfter = null;
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new IOException("the API server closed the connection in the response headers");
                headerBytes += line.Length;
                if (headerBytes > MaxHeaderBytes)
                {
                    throw new IOException("the API server's response headers exceed 64 KB");
                }
                if (line.Length == 0)
                {
                    break;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new IOException("malformed response header: " + Clip(line));
                }
                var name = line.AsSpan(0, colon);
                var value = line.AsSpan(colon + 1).Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength))
                    {
                        throw new IOException("malformed Content-Length: " + Clip(line));
                    }
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
                }
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    if (value.Contains("close", StringComparison.OrdinalIgnoreCase))
                    {
                        keepAlive = false;
                    }
                    else if (value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase))
                    {
                        keepAlive = true;
                    }
                }
                else if (name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
                {
                    retryAfter = value.ToString();
                }
            }
            if (status is >= 100 and < 200)
            {
                continue;
            }
            var framing = status is 204 or 304 ? KubeHttpBody.Framing.Length
                : chunked ? KubeHttpBody.Framing.Chunked
                : contentLength >= 0 ? KubeHttpBody.Framing.Length
                : KubeHttpBody.Framing.UntilClose;
            var body = new KubeHttpBody(owner, this, framing, status is 204 or 304 ? 0 : contentLength, keepAlive && framing != KubeHttpBody.Framing.UntilClose);
            return new KubeHttpResponse(status, retryAfter, body);
        }
    }

    /// <summary>A CRLF- (or LF-) terminated line as Latin-1 text without its terminator; null at a clean end of stream.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var length = newline > 0 && _buffer[_start + newline - 1] == '\r' ? newline - 1 : newline;
                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start += newline + 1;
                return line;
            }
            if (_start == 0 && _end == _buffer.Length)
            {
                throw new IOException("a line of the API server's response exceeds 16 KB");
            }
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_start == _end)
                {
                    return null;
                }
                throw new IOException("the API server closed the connection in the middle of a line");
            }
        }
    }

    /// <summary>Bytes from the buffer, or straight from the stream once it is empty; 0 at the end of the stream.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_start < _end)
        {
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            _start += n;
            return n;
        }
        if (destination.Length >= _buffer.Length)
        {
            return await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        if (!await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }
        return await ReadAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    private static string Clip(string s) => s.Length > 100 ? s[..100] : s;
}

/// <summary>A response: its status, Retry-After and body (dispose it to give the connection back or close it).</summary>
internal sealed class KubeHttpResponse(int statusCode, string? retryAfter, KubeHttpBody body) : IDisposable
{
    public int StatusCode { get; } = statusCode;

    public string? RetryAfter { get; } = retryAfter;

    public Stream Body => body;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The whole body in an array of its exact size.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken)
    {
        if (body.KnownLength is { } known)
        {
            var exact = new byte[known];
            // Reading to the end marks the body complete, so the connection can be reused.
            await body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var n = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            filled += n;
        }
        Array.Resize(ref buffer, filled);
        return buffer;
    }

    /// <summary>The body as UTF-8 text (error responses).</summary>
    public async Task<string> ReadStringAsync(CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString(await ReadAllBytesAsync(cancellationToken).ConfigureAwait(false));

    public void Dispose() => body.Dispose();
}

/// <summary>A response body as a read-only stream, undoing the chunked framing.</summary>
internal sealed class KubeHttpBody : Stream
{
    internal enum Framing
    {
        Length,
        Chunked,
        UntilClose,
    }

    private readonly KubeHttp _owner;
    private readonly KubeHttpConnection _connection;
    private readonly Framing _framing;
    private readonly bool _keepAlive;
    private long _remaining;
    private bool _complete;
    private bool _disposed;

    public KubeHttpBody(KubeHttp owner, KubeHttpConnection connection, Framing framing, long length, bool keepAlive)
    {
        _owner = owner;
        _connection = connection;
        _framing = framing;
        _keepAlive = keepAlive;
        _remaining = framing == Framing.Length ? length : 0;
        _complete = framing == Framing.Length && length == 0;
    }

    /// <summary>The length when the server gave a Content-Length.</summary>
    public int? KnownLength => _framing == Framing.Length && _remaining <= Array.MaxLength ? (int)_remaining : null;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_complete)
        {
            return 0;
        }
        switch (_framing)
        {
            case Framing.Length:
                {
                    var n = await ReadRemainingAsync(buffer, "before the end of the body", cancellationToken).ConfigureAwait(false);
                    _complete = _remaining == 0;
                    return n;
                }
            case Framing.Chunked:
                {
                    if (_remaining == 0 && !await NextChunkAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return 0;
                    }
                    var n = await ReadRemainingAsync(buffer, "in the middle of a chunk", cancellationToken).ConfigureAwait(false);
                    if (_remaining == 0 && n > 0)
                    {
                        await ExpectLineEndAsync(cancellationToken).ConfigureAwait(false);
                    }
                    return n;
                }
            default:
                {
                    var n = await _connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    _complete = n == 0 && buffer.Length > 0;
                    return n;
                }
        }
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_complete && _keepAlive)
            {
                _owner.Return(_connection);
            }
            else
            {
                _connection.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>Up to <see cref="_remaining"/> bytes of the body (of the current chunk); the connection may not end first.</summary>
    private async ValueTask<int> ReadRemainingAsync(Memory<byte> buffer, string where, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }
        var n = await _connection.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            throw new IOException("the API server closed the connection " + where);
        }
        _remaining -= n;
        return n;
    }

    /// <summary>Reads the next chunk's size line; false (and the body complete) after the last chunk and its trailers.</summary>
    private async ValueTask<bool> NextChunkAsync(CancellationToken cancellationToken)
    {
        var line = await _connection.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("the API server closed the connection before the last chunk");
        var end = line.IndexOf(';', StringComparison.Ordinal);
        var size = (end < 0 ? line : line[..end]).Trim();
        if (size.Length == 0 || !long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _remaining) || _remaining < 0)
        {
            throw new IOException("malformed chunk size: " + (line.Length > 100 ? line[..100] : line));
        }
        if (_remaining > 0)
        {
            return true;
        }
        // The last chunk: trailers up to an empty line.
        while (await _connection.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 })
        {
        }
        _complete = true;
        return false;
    }

    private async ValueTask ExpectLineEndAsync(CancellationToken cancellationToken)
    {
        var rest = await _connection.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (rest is not { Length: 0 })
        {
            throw new IOException("malformed chunked body: data runs past the chunk size");
        }
    }
}
