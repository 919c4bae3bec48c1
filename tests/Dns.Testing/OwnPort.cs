using System.Net;
using System.Net.Sockets;

namespace Dns.Testing;

/// <summary>
/// For tests whose Corefile must name its own port (forwarding to itself, a reload onto a new port): a port free
/// on loopback for UDP and TCP when probed, and another one when something takes it before the server binds it (a
/// connection of a test running alongside; the server binds TCP and UDP on every address).
/// </summary>
public static class OwnPort
{
    /// <summary>Runs <paramref name="bind"/> with a free port, again with another if the port was taken meanwhile.</summary>
    public static async Task<T> RetryAsync<T>(Func<int, Task<T>> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        for (var attempt = 0; ; attempt++)
        {
            var port = Probe();
            try
            {
                return await bind(port).ConfigureAwait(false);
            }
            catch (InvalidOperationException e) when (attempt < 10 && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                // Taken in between: another port.
            }
        }
    }

    /// <summary>A port that was free for both UDP and TCP on loopback a moment ago.</summary>
    public static int Probe()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // In use for TCP: another.
            }
        }
    }
}
