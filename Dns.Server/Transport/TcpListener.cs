using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Transport;

/// <summary>
/// DNS over TCP (RFC 7766): 2-byte length framing, several queries per connection answered as they complete
/// (§6.2.1.1), a cap on connections, and a sweeper that closes connections idle between messages (10 s, 1 s when
/// more than half the cap is in use, §6.2.3) or stalled inside a message (3 s). A response (QR=1), a length below
/// a header, or an unparseable header closes the connection.
/// </summary>
internal sealed partial class TcpListener : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly Func<QueryHandler> _handler;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Connection, byte> _open = new();
    private Socket? _socket;
    private Timer? _sweeper;

    public TcpListener(IPEndPoint endpoint, Func<QueryHandler> handler, ILogger log)
    {
        _endpoint = endpoint;
        _handler = handler;
        _log = log;
    }

    /// <summary>Idle time allowed between queries (CoreDNS: 10 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle time allowed when more than half of <see cref="MaxConnections"/> are open.</summary>
    public TimeSpan PressureIdleTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed to receive the rest of a message once its first byte arrived (CoreDNS: 3 s).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Most connections open at once; further ones are closed at accept.</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>Most queries of one connection in flight at once.</summary>
    public int MaxInFlightPerConnection { get; init; } = 64;

    /// <summary>Open connections.</summary>
    public int Connections => _open.Count;

    /// <summary>The bound port.</summary>
    public int Port { get; private set; }

    public void Bind()
    {
        _socket = SocketSetup.Create(_endpoint, SocketType.Stream, ProtocolType.Tcp, reusePort: false);
        _socket.Listen(512);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public void Start()
    {
        _sweeper = new Timer(static s => ((TcpListener)s!).Sweep(), this, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        _ = AcceptLoopAsync();
    }

    private void Sweep()
    {
        var now = Stopwatch.GetTimestamp();
        var idle = _open.Count > MaxConnections / 2 ? PressureIdleTimeout : IdleTimeout;
        foreach (var (c, _) in _open)
        {
            var since = Stopwatch.GetElapsedTime(Volatile.Read(ref c.LastActivity), now);
            var limit = c.InMessage ? ReadTimeout : idle;
            if (c.InFlight == 0 && since > limit)
            {
                c.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _socket!;
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (_open.Count >= MaxConnections)
            {
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var conn = new Connection(client, MaxInFlightPerConnection);
            _open[conn] = 0;
            _ = ServeAsync(conn);
        }
    }

    private async Task ServeAsync(Connection conn)
    {
        var client = conn.Socket;
        var remote = SocketSetup.Normalize((IPEndPoint)client.RemoteEndPoint!);
        var local = client.LocalEndPoint;
        var lenBuf = new byte[2];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                conn.Touch(inMessage: false);
                if (!await ReadExactlyAsync(client, lenBuf, conn).ConfigureAwait(false))
                {
                    break;
                }
                var len = BinaryPrimitives.ReadUInt16BigEndian(lenBuf);
                if (len < DnsHeader.Size)
                {
                    break;
                }
                var buf = ArrayPool<byte>.Shared.Rent(len);
                DnsContext? ctx;
                DnsRequestDelegate? chain;
                QueryHandler handler;
                try
                {
                    if (!await ReadExactlyAsync(client, buf.AsMemory(0, len), conn).ConfigureAwait(false))
                    {
                        break;
                    }
                    conn.Touch(inMessage: false);
                    handler = _handler();
                    ctx = handler.Accept(buf.AsSpan(0, len), DnsTransport.Tcp, remote, local, out chain);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buf);
                }
                if (ctx is null)
                {
                    break;
                }
                ctx.Aborted = conn.Aborted;
                await conn.InFlightSlots.WaitAsync(conn.Aborted).ConfigureAwait(false);
                Interlocked.Increment(ref conn.InFlight);
                _ = AnswerAsync(conn, ctx, chain, handler);
            }
            // Let answers in flight finish before closing (RFC 7766 §6.2.4).
            var deadline = Stopwatch.GetTimestamp() + (long)(ReadTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref conn.InFlight) > 0 && Stopwatch.GetTimestamp() < deadline && !conn.Aborted.IsCancellationRequested)
            {
                await Task.Delay(5).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            LogConnectionError(_log, e);
        }
        finally
        {
            conn.Close();
            _open.TryRemove(conn, out _);
        }
    }

    private async Task AnswerAsync(Connection conn, DnsContext ctx, DnsRequestDelegate? chain, QueryHandler handler)
    {
        var buf = ArrayPool<byte>.Shared.Rent(DnsMessageWriter.MaxMessageSize + 2);
        try
        {
            if (chain is not null)
            {
                await handler.RunAsync(ctx, chain).ConfigureAwait(false);
            }
            var n = QueryHandler.Encode(ctx, buf.AsSpan(2));
            BinaryPrimitives.WriteUInt16BigEndian(buf, (ushort)n);
            await conn.WriteLock.WaitAsync(conn.Aborted).ConfigureAwait(false);
            try
            {
                await conn.Socket.SendAsync(buf.AsMemory(0, n + 2), SocketFlags.None, conn.Aborted).ConfigureAwait(false);
            }
            finally
            {
                conn.WriteLock.Release();
            }
            conn.Touch(inMessage: false);
            handler.Observer?.Invoke(ctx);
            BenchStats.Replies.Inc();
            ctx.Complete();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            conn.Close();
        }
        catch (Exception e)
        {
            ServerMetrics.Panics.Inc();
            LogConnectionError(_log, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
            Interlocked.Decrement(ref conn.InFlight);
            conn.InFlightSlots.Release();
        }
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket s, Memory<byte> buffer, Connection conn)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer[read..], SocketFlags.None, conn.Aborted).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }
            read += n;
            // Once part of a message is here, the shorter read timeout applies to the rest of it.
            conn.Touch(inMessage: true);
        }
        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sweeper?.Dispose();
        _socket?.Dispose();
        foreach (var (c, _) in _open)
        {
            c.Close();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP connection failed")]
    private static partial void LogConnectionError(ILogger logger, Exception exception);

    private sealed class Connection(Socket socket, int maxInFlight)
    {
        private readonly CancellationTokenSource _cts = new();
        private int _closed;

        public long LastActivity = Stopwatch.GetTimestamp();
        public int InFlight;

        public Socket Socket { get; } = socket;

        public SemaphoreSlim WriteLock { get; } = new(1, 1);

        public SemaphoreSlim InFlightSlots { get; } = new(maxInFlight, maxInFlight);

        public bool InMessage { get; private set; }

        public CancellationToken Aborted => _cts.Token;

        public void Touch(bool inMessage)
        {
            InMessage = inMessage;
            Volatile.Write(ref LastActivity, Stopwatch.GetTimestamp());
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
            try
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            Socket.Dispose();
        }
    }
}
