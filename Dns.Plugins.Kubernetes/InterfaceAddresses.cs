using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// The addresses of the machine's network interfaces, as Go's net.InterfaceAddrs lists them for CoreDNS: on Linux
/// from libc's getifaddrs (every IPv4 address, then every IPv6 one, in the kernel's order), without loading
/// System.Net.NetworkInformation (0.3 MB resident); elsewhere through <see cref="NetworkInterface"/>. Empty when the
/// list cannot be read (CoreDNS's NS answer is then empty too).
/// </summary>
internal static class InterfaceAddresses
{
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    public static IReadOnlyList<IPAddress> All()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return FromGetifaddrs();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc: the framework's list.
            }
        }
        return FromNetworkInterfaces();
    }

    private static unsafe List<IPAddress> FromGetifaddrs()
    {
        var list = new List<IPAddress>();
        if (GetIfAddrs(out var head) != 0)
        {
            return list;
        }
        try
        {
            for (var p = (IfAddrs*)head; p is not null; p = p->Next)
            {
                var sa = (byte*)p->Addr;
                if (sa is null)
                {
                    continue;
                }
                var family = *(ushort*)sa;
                if (family == AfInet)
                {
                    // struct sockaddr_in: family, port, then the address.
                    list.Add(new IPAddress(new ReadOnlySpan<byte>(sa + 4, 4)));
                }
                else if (family == AfInet6)
                {
                    // struct sockaddr_in6: family, port, flowinfo, the address, then the scope id.
                    list.Add(new IPAddress(new ReadOnlySpan<byte>(sa + 8, 16), *(uint*)(sa + 24)));
                }
            }
        }
        finally
        {
            FreeIfAddrs(head);
        }
        return list;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<IPAddress> FromNetworkInterfaces()
    {
        var list = new List<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var u in nic.GetIPProperties().UnicastAddresses)
                {
                    list.Add(u.Address);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list on this platform.
        }
        return list;
    }

    /// <summary>The framework's list (tests compare the two).</summary>
    internal static IReadOnlyList<IPAddress> FromFramework() => FromNetworkInterfaces();

    [DllImport("libc.so.6", EntryPoint = "getifaddrs")]
    private static extern int GetIfAddrs(out IntPtr ifap);

    [DllImport("libc.so.6", EntryPoint = "freeifaddrs")]
    private static extern void FreeIfAddrs(IntPtr ifa);

    /// <summary>The head of libc's <c>struct ifaddrs</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IfAddrs
    {
        public IfAddrs* Next;
        public IntPtr Name;
        public uint Flags;
        public IntPtr Addr;
    }
}
