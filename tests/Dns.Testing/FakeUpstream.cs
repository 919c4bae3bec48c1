using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>
/// An upstream DNS server on 127.0.0.1 (UDP and TCP on the same port, optionally TLS) whose behaviour each test
/// scripts: answer, delay, drop, wrong ID, garbage, TC, RST; it can be stopped and restarted on the same port.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly X509Certificate2? _certificate;
    private Socket? _udp;
    private Socket? _tcp;
    private CancellationTokenSource _cts = new();
    private readonly ConcurrentBag<Socket> _connections = [];

    private FakeUpstream(Func<FakeRequest, FakeReply> handler, X509Certificate2? certificate)
    {
        Handler = handler;
        _certificate = certificate;
    }

    public Func<FakeRequest, FakeReply> Handler { get; set; }

    public ConcurrentQueue<FakeRequest> Received { get; } = new();

    public int Port { get; private set; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Address => "127.0.0.1:" + Port;

    /// <summary>Queries other than health probes (<c>. NS</c>).</summary>
    public List<FakeRequest> Queries
    {
        get
        {
            var list = new List<FakeRequest>();
            foreach (var r in Received)
            {
                if (!(r.Query.Question.Type == DnsRecordType.Ns && r.Query.Question.Name.IsRoot))
                {
                    list.Add(r);
                }
            }
            return list;
        }
    }

    /// <summary>Number of TCP connections accepted.</summary>
    public int TcpAccepts;

    public static FakeUpstream Start(Func<FakeRequest, FakeReply> handler, X509Certificate2? tlsCertificate = null, int port = 0)
    {
        var f = new FakeUpstream(handler, tlsCertificate);
        f.Bind(port);
        return f;
    }

    /// <summary>An upstream answering every query with <c>A 192.0.2.1</c> TTL 300.</summary>
    public static FakeUpstream Answering(string address = "192.0.2.1", uint ttl = 300) =>
        Start(r => FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} {ttl} IN A {address}")));

    private void Bind(int port)
    {
        _cts = new CancellationTokenSource();
        var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
        tcp.Listen(128);
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _tcp = tcp;
        _udp = udp;
        var ct = _cts.Token;
        _ = Task.Run(() => UdpLoopAsync(udp, ct));
        _ = Task.Run(() => AcceptLoopAsync(tcp, ct));
    }

    /// <summary>Closes every socket: UDP queries now get ICMP port unreachable, TCP connects are refused.</summary>
    public void Stop()
    {
        _cts.Cancel();
        _udp?.Dispose();
        _tcp?.Dispose();
        while (_connections.TryTake(out var c))
        {
            c.Dispose();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restart() => Bind(Port);

    private async Task UdpLoopAsync(Socket udp, CancellationToken ct)
    {
        var buf = new byte[65535];
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await udp.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
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
            var raw = buf.AsSpan(0, r.ReceivedBytes).ToArray();
            var from = (IPEndPoint)r.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                DnsMessage q;
                try
                {
                    q = DnsMessage.Parse(raw);
                }
                catch (DnsFormatException)
                {
                    return;
                }
                var req = new FakeRequest(q, raw, false, from);
                Received.Enqueue(req);
                var reply = Handler(req);
                foreach (var (packet, delay) in reply.Packets)
                {
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay);
                    }
                    try
                    {
                        await udp.SendToAsync(packet, SocketFlags.None, from);
                    }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await listener.AcceptAsync(ct);
            }
            catch (Exception)
            {
                return;
            }
            Interlocked.Increment(ref TcpAccepts);
            _connections.Add(s);
            _ = Task.Run(() => ServeConnectionAsync(s, ct));
        }
    }

    private async Task ServeConnectionAsync(Socket s, CancellationToken ct)
    {
        Stream stream = new NetworkStream(s, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, ct);
                stream = ssl;
            }
            var len = new byte[2];
            var from = (IPEndPoint)s.RemoteEndPoint!;
            while (!ct.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(len, ct);
                var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
                await stream.ReadExactlyAsync(body, ct);
                var q = DnsMessage.Parse(body);
                var req = new FakeRequest(q, body, true, from);
                Received.Enqueue(req);
                var reply = Handler(req);
                if (reply.Reset)
                {
                    s.LingerState = new LingerOption(true, 0);
                    s.Close();
                    return;
                }
                foreach (var (packet, delay) in reply.Packets)
                {
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, ct);
                    }
                    var framed = new byte[packet.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)packet.Length);
                    packet.CopyTo(framed, 2);
                    await stream.WriteAsync(framed, ct);
                }
            }
        }
        catch (Exception)
        {
            // Client went away or the test stopped us.
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}
