using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Dns.Plugins.Forward;

/// <summary>
/// Bounds forwarding loops through this process. Without the <c>loop</c> plugin, <c>forward . 127.0.0.1</c> on our
/// own port makes every query forward itself again until memory runs out (coredns/coredns#1986). While an exchange
/// to a local upstream is in flight, its socket's local endpoint maps to the hop count of the query that made it; a
/// query arriving from that endpoint is our own forwarded query one hop deeper, and at <see cref="MaxHops"/> it is
/// answered SERVFAIL instead of forwarded again. Legitimate chains through our own blocks (a few hops) still work,
/// and the <c>loop</c> plugin still sees its probe more than twice.
/// </summary>
internal static class LoopGuard
{
    /// <summary>Forwarded hops through this process allowed per client query.</summary>
    public const int MaxHops = 8;

    private static readonly ConcurrentDictionary<IPEndPoint, int> s_inFlight = new();
    private static int s_count;

    /// <summary>Hops behind a query from <paramref name="remote"/>: 0 for a client, one more than its sender for ours.</summary>
    public static int HopsOf(EndPoint remote)
    {
        // The counter keeps the common case (no local upstream in flight) free of any lookup.
        if (Volatile.Read(ref s_count) == 0 || remote is not IPEndPoint ep)
        {
            return 0;
        }
        return s_inFlight.TryGetValue(Normalize(ep), out var hops) ? hops + 1 : 0;
    }

    /// <summary>Records that <paramref name="socket"/> carries a query <paramref name="hops"/> deep; returns the key to <see cref="Leave"/>.</summary>
    public static IPEndPoint? Enter(Socket socket, int hops)
    {
        if (socket.LocalEndPoint is not IPEndPoint local)
        {
            return null;
        }
        local = Normalize(local);
        s_inFlight[local] = hops;
        Interlocked.Increment(ref s_count);
        return local;
    }

    public static void Leave(IPEndPoint? local)
    {
        if (local is not null && s_inFlight.TryRemove(local, out _))
        {
            Interlocked.Decrement(ref s_count);
        }
    }

    /// <summary>True when <paramref name="address"/> is loopback or one of this host's own addresses: only then can our query come back to us.</summary>
    public static bool IsLocal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var u in nic.GetIPProperties().UnicastAddresses)
                {
                    if (u.Address.Equals(address))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        catch (NetworkInformationException)
        {
            // Cannot tell: guard it.
            return true;
        }
    }

    private static IPEndPoint Normalize(IPEndPoint ep) =>
        ep.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ep.Address.MapToIPv4(), ep.Port) : ep;
}
