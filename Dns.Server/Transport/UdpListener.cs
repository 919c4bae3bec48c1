using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Transport;

/// <summary>
/// UDP: one dedicated thread per worker, each blocking on its own SO_REUSEPORT socket (performance.md: this beats
/// ReceiveFromAsync loops by ~1.4x at a quarter of the CPU). A chain that completes synchronously is answered from
/// the receiving thread with no allocation for buffers; one that goes async (forward) answers from its continuation.
/// </summary>
internal sealed partial class UdpListener : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly int _workers;
    private readonly Func<QueryHandler> _handler;
    private readonly ILogger _log;
    private readonly List<Socket> _sockets = [];
    private readonly List<Thread> _threads = [];
    private volatile bool _stopping;

    public UdpListener(IPEndPoint endpoint, int workers, Func<QueryHandler> handler, ILogger log)
    {
        _endpoint = endpoint;
        _workers = Math.Max(1, workers);
        _handler = handler;
        _log = log;
    }

    /// <summary>The bound port (resolved when the endpoint asked for port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Binds every worker socket; the first one fixes the port when 0 was asked.</summary>
    public void Bind()
    {
        var ep = _endpoint;
        for (var i = 0; i < _workers; i++)
        {
            var s = SocketSetup.Create(ep, SocketType.Dgram, ProtocolType.Udp, reusePort: _workers > 1);
            s.ReceiveBufferSize = 4 * 1024 * 1024;
            // Blocking receives wake up now and then so a stopping listener never waits on a quiet socket.
            s.ReceiveTimeout = 500;
            _sockets.Add(s);
            if (i == 0)
            {
                Port = ((IPEndPoint)s.LocalEndPoint!).Port;
                ep = new IPEndPoint(_endpoint.Address, Port);
            }
        }
    }

    /// <summary>Starts the worker threads.</summary>
    public void Start()
    {
        for (var i = 0; i < _sockets.Count; i++)
        {
            var socket = _sockets[i];
            var t = new Thread(() =>
            {
                if (LinuxMmsg.Supported)
                {
                    MmsgLoop(socket);
                }
                else
                {
                    Loop(socket);
                }
            })
            {
                IsBackground = true,
                Name = $"dns-udp-{Port}-{i}",
            };
            _threads.Add(t);
            t.Start();
        }
    }

    private void Loop(Socket socket)
    {
        var recv = GC.AllocateUninitializedArray<byte>(65535, pinned: true);
        var send = GC.AllocateUninitializedArray<byte>(65535, pinned: true);
        var address = new SocketAddress(socket.AddressFamily);
        var template = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        var local = socket.LocalEndPoint;
        while (!_stopping)
        {
            int n;
            try
            {
                n = socket.ReceiveFrom(recv, SocketFlags.None, address);
            }
            catch (SocketException e) when (!_stopping && e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.Interrupted or SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue;
            }
            catch (Exception e) when (_stopping || e is ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                LogReceiveError(_log, e.SocketErrorCode.ToString());
                continue;
            }
            if (_stopping)
            {
                return;
            }
            try
            {
                HandleDatagram(socket, recv.AsSpan(0, n), send, address, template, local);
            }
            catch (Exception e)
            {
                // Nothing a client sends may stop this loop.
                ServerMetrics.Panics.Inc();
                LogHandlerError(_log, e);
            }
        }
    }

    private void HandleDatagram(Socket socket, ReadOnlySpan<byte> packet, byte[] send, SocketAddress address, IPEndPoint template, EndPoint? local)
    {
        var remote = SocketSetup.Normalize((IPEndPoint)template.Create(address));
        var handler = _handler();
        var ctx = handler.Accept(packet, DnsTransport.Udp, remote, local, out var chain);
        if (ctx is null)
        {
            return;
        }
        if (chain is not null)
        {
            var vt = handler.RunAsync(ctx, chain);
            if (!vt.IsCompletedSuccessfully)
            {
                var copy = new SocketAddress(address.Family, address.Size);
                address.Buffer.CopyTo(copy.Buffer);
                _ = CompleteAsync(socket, vt, ctx, copy, handler);
                return;
            }
        }
        Reply(socket, ctx, send, address, handler);
    }

    private async Task CompleteAsync(Socket socket, ValueTask pending, DnsContext ctx, SocketAddress address, QueryHandler handler)
    {
        try
        {
            await pending.ConfigureAwait(false);
            var buf = ArrayPool<byte>.Shared.Rent(65535);
            try
            {
                Reply(socket, ctx, buf, address, handler);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buf);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The socket closed while the answer was on its way: nothing to send it on.
        }
        catch (Exception e)
        {
            ServerMetrics.Panics.Inc();
            LogHandlerError(_log, e);
        }
    }

    private static void Reply(Socket socket, DnsContext ctx, byte[] buffer, SocketAddress address, QueryHandler handler)
    {
        var n = QueryHandler.Encode(ctx, buffer);
        try
        {
            socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, address);
        }
        catch (SocketException)
        {
            // Unreachable client (ICMP) or full buffers: UDP gives no guarantee, the client retries.
        }
        handler.Observer?.Invoke(ctx);
        BenchStats.Replies.Inc();
        ctx.Complete();
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var s in _sockets)
        {
            try
            {
                s.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // ENOTCONN on an unconnected UDP socket; the shutdown still wakes blocked receivers.
            }
        }
        foreach (var t in _threads)
        {
            t.Join(TimeSpan.FromSeconds(2));
        }
        foreach (var s in _sockets)
        {
            s.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP receive failed: {Error}")]
    private static partial void LogReceiveError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "UDP query handling failed")]
    private static partial void LogHandlerError(ILogger logger, Exception exception);
}
