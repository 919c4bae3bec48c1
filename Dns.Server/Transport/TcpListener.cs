using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Transport;

/// <summary>
/// DNS over TCP (RFC 7766): 2-byte length framing, several queries per connection answered as they complete
/// (§6.2.1.1), an idle timeout that shrinks under pressure (§6.2.3), a read timeout for a started message, and a cap
/// on connections. A response (QR=1) or a message shorter than a header closes the connection.
/// </summary>
internal sealed partial class TcpListener : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly Func<QueryHandler> _handler;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private int _connections;

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
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The bound port.</summary>
    public int Port { get; private set; }

    public void Bind()
    {
        _socket = SocketSetup.Create(_endpoint, SocketType.Stream, ProtocolType.Tcp, reusePort: false);
        _socket.Listen(512);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public void Start() => _ = AcceptLoopAsync();

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
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var writeLock = new SemaphoreSlim(1, 1);
        var inflight = new SemaphoreSlim(MaxInFlightPerConnection, MaxInFlightPerConnection);
        var remote = SocketSetup.Normalize((IPEndPoint)client.RemoteEndPoint!);
        var local = client.LocalEndPoint;
        using var conn = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var lenBuf = new byte[2];
        try
        {
            while (!conn.IsCancellationRequested)
            {
                var idle = Connections > MaxConnections / 2 ? PressureIdleTimeout : IdleTimeout;
                if (!await ReadExactlyAsync(client, lenBuf, idle, conn.Token, allowEof: true).ConfigureAwait(false))
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
                    if (!await ReadExactlyAsync(client, buf.AsMemory(0, len), ReadTimeout, conn.Token, allowEof: false).ConfigureAwait(false))
                    {
                        break;
                    }
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
                ctx.Aborted = conn.Token;
                await inflight.WaitAsync(conn.Token).ConfigureAwait(false);
                _ = AnswerAsync(client, ctx, chain, handler, writeLock, inflight, conn);
            }
            // Let answers in flight finish before closing (RFC 7766 §6.2.4).
            for (var i = 0; i < MaxInFlightPerConnection; i++)
            {
                if (!await inflight.WaitAsync(ReadTimeout).ConfigureAwait(false))
                {
                    break;
                }
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
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            client.Dispose();
            Interlocked.Decrement(ref _connections);
        }
    }

    private async Task AnswerAsync(Socket client, DnsContext ctx, DnsRequestDelegate? chain, QueryHandler handler, SemaphoreSlim writeLock, SemaphoreSlim inflight, CancellationTokenSource conn)
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
            await writeLock.WaitAsync(conn.Token).ConfigureAwait(false);
            try
            {
                await client.SendAsync(buf.AsMemory(0, n + 2), SocketFlags.None, conn.Token).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
            handler.Observer?.Invoke(ctx);
            ctx.Complete();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await conn.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ServerMetrics.Panics.Inc();
            LogConnectionError(_log, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
            inflight.Release();
        }
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket s, Memory<byte> buffer, TimeSpan timeout, CancellationToken ct, bool allowEof)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await s.ReceiveAsync(buffer[read..], SocketFlags.None, cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    _ = allowEof;
                    return false;
                }
                read += n;
            }
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP connection failed")]
    private static partial void LogConnectionError(ILogger logger, Exception exception);
}
