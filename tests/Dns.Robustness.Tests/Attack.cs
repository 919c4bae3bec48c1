using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>The server under attack, and the "alive" check of robustness.md §5.</summary>
internal static class Attack
{
    public const string Corefile = "test:0 {\n    erratic\n}\n";

    public static Task<TestDnsServer> StartAsync(string corefile = Corefile) =>
        TestDnsServer.StartAsync(corefile, registry: TestPlugin.Registry());

    /// <summary>
    /// The <c>test</c> block plus <c>example.org</c> forwarded to <paramref name="upstream"/> with the given
    /// <c>forward</c> options (one per line), on one port.
    /// </summary>
    public static Task<TestDnsServer> StartForwardAsync(FakeUpstream upstream, params string[] options) =>
        StartAsync($"test:0 {{\n    erratic\n}}\nexample.org:0 {{\n    forward . {upstream.Address} {{\n        {string.Join("\n        ", options)}\n    }}\n}}\n");

    /// <summary>The process's open sockets (descriptors in <c>/proc/self/fd</c> that link to <c>socket:[inode]</c>).</summary>
    public static int OpenSockets()
    {
        var n = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    n++;
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }
        return n;
    }

    /// <summary>A normal query for a known name is answered correctly within 100 ms, and nothing unexpected was logged.</summary>
    public static async Task AssertAliveAsync(TestDnsServer server)
    {
        var sw = Stopwatch.StartNew();
        var reply = await RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("alive.test."), DnsRecordType.A, 777), 1000);
        sw.Stop();
        Assert.NotNull(reply);
        Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
        var a = Assert.IsType<ARecord>(Assert.Single(reply.Answers));
        Assert.Equal(TestPlugin.Known, a.Address);
        Assert.True(sw.ElapsedMilliseconds < 100 + 400, $"alive query took {sw.ElapsedMilliseconds} ms");
        Assert.DoesNotContain("UDP query handling failed", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("TCP connection failed", server.Log, StringComparison.Ordinal);
    }

    /// <summary>A query in wire form with the given header fields.</summary>
    public static byte[] Query(string name = "alive.test.", DnsRecordType type = DnsRecordType.A, ushort id = 0x1234, Action<DnsMessage>? edit = null)
    {
        var m = DnsMessage.CreateQuery(DnsName.Parse(name), type, id);
        edit?.Invoke(m);
        return m.ToArray();
    }

    /// <summary>Hex (spaces allowed) to bytes.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Opens a TCP connection to the server.</summary>
    public static async Task<Socket> ConnectAsync(TestDnsServer server)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(server.EndPoint);
        return s;
    }

    /// <summary>Length-prefixed form of a message.</summary>
    public static byte[] Frame(byte[] message)
    {
        var f = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(f, (ushort)message.Length);
        message.CopyTo(f, 2);
        return f;
    }

    /// <summary>Reads one framed reply, or null when the connection closed or nothing came in time.</summary>
    public static async Task<DnsMessage?> ReadFrameAsync(Socket s, int timeoutMs = 2000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var len = new byte[2];
        try
        {
            if (!await ReadExactlyAsync(s, len, cts.Token))
            {
                return null;
            }
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(len)];
            if (!await ReadExactlyAsync(s, body, cts.Token))
            {
                return null;
            }
            return DnsMessage.Parse(body);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>True when the peer closed the connection within the time.</summary>
    public static async Task<bool> ClosedWithinAsync(Socket s, int timeoutMs)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var buf = new byte[512];
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket s, Memory<byte> buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await s.ReceiveAsync(buffer[read..], SocketFlags.None, ct);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }
}
