using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Bind;

/// <summary>
/// <c>bind ADDRESS|IFACE... { except ADDRESS|IFACE... }</c>, possibly several times per block (addresses are
/// consolidated; each <c>except</c> applies to its own line). Interface names become their addresses, IPv6
/// link-local ones with the interface as scope. Setup only: the listener binds to
/// <see cref="BlockConfig.BindAddresses"/>; there is no query handler.
/// </summary>
internal sealed class BindSetup : IPluginSetup
{
    private readonly Func<IReadOnlyList<(string Name, IReadOnlyList<IPAddress> Addresses)>> _interfaces;

    public BindSetup()
        : this(SystemInterfaces)
    {
    }

    internal BindSetup(Func<IReadOnlyList<(string Name, IReadOnlyList<IPAddress> Addresses)>> interfaces) => _interfaces = interfaces;

    public string Name => "bind";

    public void Setup(SetupContext context)
    {
        var d = context.Dispenser;
        var ifaces = _interfaces();
        var config = context.Config;
        while (d.Next())
        {
            var addrs = d.RemainingArgs();
            if (addrs.Count == 0)
            {
                throw d.Err("at least one address or interface name is expected");
            }
            List<string> except = [];
            while (d.NextBlock())
            {
                if (d.Val != "except")
                {
                    throw d.Err($"invalid option \"{d.Val}\"");
                }
                except = d.RemainingArgs();
                if (except.Count == 0)
                {
                    throw d.Err("at least one address or interface must be given to except subdirective");
                }
            }
            var ips = ListIp(d, addrs, ifaces, config.BindInterfaces);
            var excluded = ListIp(d, except, ifaces, null);
            foreach (var ip in excluded)
            {
                config.BindExcept.Add(ip);
            }
            foreach (var ip in ips)
            {
                if (!excluded.Contains(ip) && !config.BindAddresses.Contains(ip))
                {
                    config.BindAddresses.Add(ip);
                }
            }
        }
    }

    private static List<IPAddress> ListIp(CorefileDispenser d, List<string> args, IReadOnlyList<(string Name, IReadOnlyList<IPAddress> Addresses)> ifaces, List<string>? interfaceNames)
    {
        var all = new List<IPAddress>();
        foreach (var a in args)
        {
            var isIface = false;
            foreach (var iface in ifaces)
            {
                if (iface.Name != a)
                {
                    continue;
                }
                isIface = true;
                interfaceNames?.Add(a);
                all.AddRange(iface.Addresses);
            }
            if (!isIface)
            {
                if (a.Contains('/', StringComparison.Ordinal) || !IPAddress.TryParse(a, out var ip))
                {
                    throw d.Err($"not a valid IP address or interface name: \"{a}\"");
                }
                all.Add(ip);
            }
        }
        return all;
    }

    private static IReadOnlyList<(string Name, IReadOnlyList<IPAddress> Addresses)> SystemInterfaces()
    {
        var list = new List<(string, IReadOnlyList<IPAddress>)>();
        NetworkInterface[] nics;
        try
        {
            nics = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            // CoreDNS only warns when the interface list is unavailable: addresses still work.
            return list;
        }
        foreach (var nic in nics)
        {
            var addrs = new List<IPAddress>();
            foreach (var u in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = u.Address;
                if (ip.AddressFamily == AddressFamily.InterNetworkV6 && (ip.IsIPv6LinkLocal || ip.IsIPv6Multicast) && ip.ScopeId == 0)
                {
                    // A link-local address is only usable with its interface as zone.
                    ip = new IPAddress(ip.GetAddressBytes(), nic.GetIPProperties().GetIPv6Properties()?.Index ?? 0);
                }
                addrs.Add(ip);
            }
            list.Add((nic.Name, addrs));
        }
        return list;
    }
}
