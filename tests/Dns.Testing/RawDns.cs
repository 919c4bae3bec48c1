using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>Sends hand-built bytes over UDP or TCP and returns the raw reply (null on timeout).</summary>
public static class RawDns
{
    /// <summary>One UDP exchange.</summary>
    public static async Task<byte[]?> UdpAsync(IPEndPoint server, byte[] packet, int timeoutMs = 1000)
    {
        using var client = new UdpClient(server.AddressFamily);
        client.Connect(server);
        await client.SendAsync(packet).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            var r = await client.ReceiveAsync(cts.Token).ConfigureAwait(false);
            return r.Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>One query message over UDP, parsed.</summary>
    public static async Task<DnsMessage?> QueryUdpAsync(IPEndPoint server, DnsMessage query, int timeoutMs = 1000)
    {
        var reply = await UdpAsync(server, query.ToArray(), timeoutMs).ConfigureAwait(false);
        return reply is null ? null : DnsMessage.Parse(reply);
    }

    /// <summary>One query message over TCP, parsed.</summary>
    public static async Task<DnsMessage?> QueryTcpAsync(IPEndPoint server, DnsMessage query, int timeoutMs = 2000)
    {
        using var tcp = new TcpClient(server.AddressFamily);
        await tcp.ConnectAsync(server).ConfigureAwait(false);
        var stream = tcp.GetStream();
        var bytes = query.ToArray();
        var framed = new byte[bytes.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)bytes.Length);
        bytes.CopyTo(framed, 2);
        await stream.WriteAsync(framed).ConfigureAwait(false);
        using var cts = new CancellationTokenSource(timeoutMs);
        var len = new byte[2];
        try
        {
            await stream.ReadExactlyAsync(len, cts.Token).ConfigureAwait(false);
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
            await stream.ReadExactlyAsync(body, cts.Token).ConfigureAwait(false);
            return DnsMessage.Parse(body);
        }
        catch (Exception e) when (e is OperationCanceledException or EndOfStreamException or IOException)
        {
            return null;
        }
    }
}
