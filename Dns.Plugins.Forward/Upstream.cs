using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Dns.Core.Metrics;
using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>
/// One upstream (CoreDNS's <c>proxy.Proxy</c>): exchanges over UDP, TCP or TLS, a pool of idle TCP/TLS connections
/// that expire, and the consecutive-failure count that its <see cref="HealthChecker"/> maintains.
/// UDP uses a new socket per query, so every query gets a fresh kernel-chosen source port (RFC 5452 §9.2; CoreDNS
/// issue 6159: never pin ports) and a connected socket drops datagrams from any other address.
/// </summary>
internal sealed class Upstream : IDisposable
{
    private const int MaxMessage = 65535;

    private readonly ConcurrentStack<UpstreamConnection> _tcpPool = new();
    private readonly TimeSpan _expire;
    private readonly SslClientAuthenticationOptions? _ssl;
    private readonly Counter[] _hits;
    private readonly Counter[] _misses;
    private readonly Histogram?[] _durations = new Histogram?[24];
    private readonly ForwardMetrics _metrics;
    private readonly Timer? _sweeper;
    [ThreadStatic]
    private static byte[]? t_scratch;

    private readonly bool _local;
    private int _fails;
    private volatile bool _disposed;

    public Upstream(UpstreamAddress address, ForwardOptions options, ForwardMetrics metrics)
    {
        Address = address;
        Label = address.Label;
        _expire = options.Expire;
        _metrics = metrics;
        _local = LoopGuard.IsLocal(address.EndPoint.Address);
        if (address.Tls)
        {
            _ssl = CreateSslOptions(address, options.Tls);
        }
        string[] protos = ["udp", "tcp", "tcp-tls"];
        _hits = new Counter[protos.Length];
        _misses = new Counter[protos.Length];
        for (var i = 0; i < protos.Length; i++)
        {
            _hits[i] = metrics.ConnCacheHits.WithLabels(ForwardMetrics.ProxyName, Label, protos[i]);
            _misses[i] = metrics.ConnCacheMisses.WithLabels(ForwardMetrics.ProxyName, Label, protos[i]);
        }
        HealthCheckFailures = metrics.HealthcheckFailures.WithLabels(ForwardMetrics.ProxyName, Label);
        if (_expire > TimeSpan.Zero)
        {
            // Closes idle connections even when no query comes to take them (CoreDNS's transport cleanup loop).
            _sweeper = new Timer(static s => ((Upstream)s!).Sweep(), this, _expire, _expire);
        }
    }

    public UpstreamAddress Address { get; }

    /// <summary>The <c>to</c> metric label.</summary>
    public string Label { get; }

    public Counter HealthCheckFailures { get; }

    /// <summary>Set by the plugin once the upstream list is built.</summary>
    public HealthChecker? Health { get; set; }

    /// <summary>Consecutive failed health checks.</summary>
    public int Fails => Volatile.Read(ref _fails);

    /// <summary>Down when consecutive failed health checks exceed <paramref name="maxFails"/>; never when it is 0.</summary>
    public bool IsDown(int maxFails) => maxFails != 0 && Volatile.Read(ref _fails) > maxFails;

    public void RecordHealthFailure() => Interlocked.Increment(ref _fails);

    public void RecordHealthy() => Volatile.Write(ref _fails, 0);

    /// <summary>A fresh cryptographically random message ID (RFC 5452 §4.3; CVE-2019-19794 was a predictable one).</summary>
    public static ushort NewId()
    {
        Span<byte> b = stackalloc byte[2];
        RandomNumberGenerator.Fill(b);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    /// <summary>
    /// Sends <paramref name="query"/> (re-encoded with a fresh ID; everything else, EDNS0 options included, as the
    /// client sent it) and waits for the reply with that ID until <paramref name="cancellationToken"/> fires.
    /// <paramref name="hops"/> is how many times the query already went through our own forwarders (<see cref="LoopGuard"/>).
    /// </summary>
    public async ValueTask<ExchangeResult> ExchangeAsync(DnsMessage query, bool tcp, CancellationToken cancellationToken, bool probe = false, int hops = 0)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var id = NewId();
        // Encode into a per-thread scratch buffer, then keep only the bytes written: a rented 64 KiB + 2 buffer
        // would come from the 128 KiB bucket (large object heap) for every query in flight.
        var scratch = t_scratch ??= new byte[MaxMessage];
        var n = DnsMessageWriter.Write(query, scratch, MaxMessage, id, query.Opt);
        var buffer = ArrayPool<byte>.Shared.Rent(n + 2);
        try
        {
            // Leave room for the TCP length prefix in front.
            scratch.AsSpan(0, n).CopyTo(buffer.AsSpan(2));
            ExchangeResult result;
            if (_ssl is not null || tcp)
            {
                BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)n);
                result = await ExchangeStreamAsync(buffer, n, id, probe, hops, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await ExchangeUdpAsync(buffer, n, id, probe, hops, cancellationToken).ConfigureAwait(false);
            }
            if (!probe && result.Reply is { } reply)
            {
                Duration(reply.ResponseCode).Observe(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Histogram Duration(ResponseCode code)
    {
        var i = (int)code;
        if (i >= _durations.Length)
        {
            return _metrics.RequestDuration.WithLabels(ForwardMetrics.ProxyName, Label, ResponseCodeText.ToText(code));
        }
        return _durations[i] ??= _metrics.RequestDuration.WithLabels(ForwardMetrics.ProxyName, Label, ResponseCodeText.ToText(code));
    }

    private async ValueTask<ExchangeResult> ExchangeUdpAsync(byte[] buffer, int length, ushort id, bool probe, int hops, CancellationToken ct)
    {
        if (!probe)
        {
            _misses[0].Inc();
        }
        var ep = Address.EndPoint;
        using var socket = new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var recv = ArrayPool<byte>.Shared.Rent(MaxMessage);
        IPEndPoint? guarded = null;
        try
        {
            // Connecting a UDP socket does no I/O; it fixes the peer so the kernel drops datagrams from anyone else.
            socket.Connect(ep);
            if (_local)
            {
                guarded = LoopGuard.Enter(socket, hops);
            }
            await socket.SendAsync(buffer.AsMemory(2, length), SocketFlags.None, ct).ConfigureAwait(false);
            while (true)
            {
                var n = await socket.ReceiveAsync(recv.AsMemory(0, MaxMessage), SocketFlags.None, ct).ConfigureAwait(false);
                if (TryAccept(recv.AsSpan(0, n), id, out var reply))
                {
                    return new ExchangeResult(reply, null);
                }
                // Wrong ID, not a response, or unparseable: keep waiting for the real reply (coredns/coredns#2636).
            }
        }
        catch (OperationCanceledException)
        {
            return ExchangeResult.Fail($"read udp {Label}: i/o timeout");
        }
        catch (SocketException e)
        {
            return ExchangeResult.Fail($"read udp {Label}: {SocketText(e)}");
        }
        finally
        {
            LoopGuard.Leave(guarded);
            ArrayPool<byte>.Shared.Return(recv);
        }
    }

    private async ValueTask<ExchangeResult> ExchangeStreamAsync(byte[] framed, int length, ushort id, bool probe, int hops, CancellationToken ct)
    {
        var protoIndex = _ssl is null ? 1 : 2;
        var proto = _ssl is null ? "tcp" : "tcp-tls";
        var conn = TakeIdle();
        var cached = conn is not null;
        if (conn is null)
        {
            if (!probe)
            {
                _misses[protoIndex].Inc();
            }
            try
            {
                conn = await ConnectAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ExchangeResult.Fail($"dial {proto} {Label}: i/o timeout");
            }
            catch (SocketException e)
            {
                return ExchangeResult.Fail($"dial {proto} {Label}: {SocketText(e)}");
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return ExchangeResult.Fail($"dial {proto} {Label}: {e.Message}");
            }
        }
        else if (!probe)
        {
            _hits[protoIndex].Inc();
        }
        var keep = false;
        var lenBuf = ArrayPool<byte>.Shared.Rent(2);
        byte[]? body = null;
        var guarded = _local ? LoopGuard.Enter(conn.Socket, hops) : null;
        try
        {
            var stream = conn.Stream;
            await stream.WriteAsync(framed.AsMemory(0, length + 2), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            while (true)
            {
                await stream.ReadExactlyAsync(lenBuf.AsMemory(0, 2), ct).ConfigureAwait(false);
                var len = BinaryPrimitives.ReadUInt16BigEndian(lenBuf);
                if (body is not null && body.Length < len)
                {
                    ArrayPool<byte>.Shared.Return(body);
                    body = null;
                }
                body ??= ArrayPool<byte>.Shared.Rent(Math.Max((int)len, 512));
                await stream.ReadExactlyAsync(body.AsMemory(0, len), ct).ConfigureAwait(false);
                if (TryAccept(body.AsSpan(0, len), id, out var reply))
                {
                    keep = true;
                    return new ExchangeResult(reply, null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return ExchangeResult.Fail($"read {proto} {Label}: i/o timeout");
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            if (cached)
            {
                // The peer closed an idle connection (RFC 7766 §6.2.3 lets it): not the upstream's fault.
                return ExchangeResult.Closed;
            }
            return ExchangeResult.Fail($"read {proto} {Label}: {(e.InnerException as SocketException is { } se ? SocketText(se) : e.Message)}");
        }
        finally
        {
            LoopGuard.Leave(guarded);
            ArrayPool<byte>.Shared.Return(lenBuf);
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
            if (keep)
            {
                GiveBack(conn);
            }
            else
            {
                conn.Dispose();
            }
        }
    }

    /// <summary>
    /// Accepts a datagram as the reply when its ID is ours and it is a response. A body that does not parse is
    /// ignored, except a truncated one: that becomes an empty TC reply so the client retries over TCP (as CoreDNS
    /// does for an overflowing UDP reply).
    /// </summary>
    private static bool TryAccept(ReadOnlySpan<byte> data, ushort id, out DnsMessage? reply)
    {
        reply = null;
        if (!DnsHeader.TryRead(data, out var h) || h.Id != id || !h.IsResponse)
        {
            return false;
        }
        try
        {
            reply = DnsMessageReader.Read(data);
            return true;
        }
        catch (DnsFormatException)
        {
            if ((h.Flags & 0x0200) == 0)
            {
                return false;
            }
            reply = new DnsMessage
            {
                Id = id,
                IsResponse = true,
                OpCode = h.OpCode,
                Truncated = true,
                RecursionDesired = h.RecursionDesired,
                RecursionAvailable = (h.Flags & 0x0080) != 0,
                CheckingDisabled = h.CheckingDisabled,
                ResponseCode = (ResponseCode)h.Rcode,
            };
            if (DnsMessageReader.TryReadFirstQuestion(data, out var q) && q is not null)
            {
                reply.Questions.Add(q);
            }
            return true;
        }
    }

    private async ValueTask<UpstreamConnection> ConnectAsync(CancellationToken ct)
    {
        var ep = Address.EndPoint;
        var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(ep, ct).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_ssl is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsClientAsync(_ssl, ct).ConfigureAwait(false);
                }
                catch
                {
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                stream = ssl;
            }
            return new UpstreamConnection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private UpstreamConnection? TakeIdle()
    {
        var now = Environment.TickCount64;
        while (_tcpPool.TryPop(out var c))
        {
            if (now - c.LastUsed < _expire.TotalMilliseconds)
            {
                return c;
            }
            c.Dispose();
        }
        return null;
    }

    private void GiveBack(UpstreamConnection conn)
    {
        if (_disposed || _expire <= TimeSpan.Zero)
        {
            conn.Dispose();
            return;
        }
        conn.LastUsed = Environment.TickCount64;
        _tcpPool.Push(conn);
    }

    private void Sweep()
    {
        // Pop everything, keep the fresh ones; a query racing with this just opens a new connection.
        var now = Environment.TickCount64;
        var keep = new List<UpstreamConnection>();
        while (_tcpPool.TryPop(out var c))
        {
            if (_disposed || now - c.LastUsed >= _expire.TotalMilliseconds)
            {
                c.Dispose();
            }
            else
            {
                keep.Add(c);
            }
        }
        for (var i = keep.Count - 1; i >= 0; i--)
        {
            _tcpPool.Push(keep[i]);
        }
    }

    /// <summary>Idle pooled connections (tests).</summary>
    internal int IdleConnections => _tcpPool.Count;

    private static SslClientAuthenticationOptions CreateSslOptions(UpstreamAddress address, TlsClientOptions tls)
    {
        var o = new SslClientAuthenticationOptions
        {
            TargetHost = address.ServerName ?? tls.ServerName ?? address.EndPoint.Address.ToString(),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (tls.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(tls.CaFile);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            o.CertificateChainPolicy = policy;
        }
        if (tls.CertificateFile is not null && tls.KeyFile is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
            // Re-import so the private key is usable by the TLS stack on every platform.
            o.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }
        return o;
    }

    private static string SocketText(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.HostUnreachable => "no route to host",
        SocketError.NetworkUnreachable => "network is unreachable",
        SocketError.TimedOut => "i/o timeout",
        _ => e.Message,
    };

    public void Dispose()
    {
        _disposed = true;
        _sweeper?.Dispose();
        Health?.Dispose();
        while (_tcpPool.TryPop(out var c))
        {
            c.Dispose();
        }
    }
}
