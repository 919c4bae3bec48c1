using System.Net;
using System.Net.Sockets;

namespace Dns.Server.Transport;

/// <summary>Socket options shared by the listeners.</summary>
internal static class SocketSetup
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    /// <summary>A socket for <paramref name="endpoint"/>; the IPv6 any-address becomes dual-stack.</summary>
    public static Socket Create(IPEndPoint endpoint, SocketType type, ProtocolType protocol, bool reusePort)
    {
        var s = new Socket(endpoint.AddressFamily, type, protocol);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                s.DualMode = true;
            }
            if (reusePort && OperatingSystem.IsLinux())
            {
                // SO_REUSEPORT: one socket per worker, the kernel spreads datagrams across them.
                s.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }
            if (type == SocketType.Stream)
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
            s.Bind(endpoint);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>The client address with IPv4-mapped IPv6 unwrapped (logs and ACLs see 127.0.0.1, not ::ffff:127.0.0.1).</summary>
    public static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;

    /// <summary>True when the machine can open IPv6 sockets.</summary>
    public static bool IPv6Available => Socket.OSSupportsIPv6;
}
