using System.Net;
using System.Net.Sockets;
using Dns.Core.Corefile;

namespace Dns.Server.Hosting.Http;

/// <summary>
/// A Go <c>net.Listen("tcp", ADDR)</c> address (<c>:8080</c>, <c>localhost:9153</c>, <c>127.0.0.1:0</c>,
/// <c>[::1]:8181</c>): host part optional (every address), port required.
/// </summary>
internal static class HttpAddress
{
    /// <summary>Splits like Go's <c>net.SplitHostPort</c>; false with Go's error text when it would fail.</summary>
    /// <summary>
    /// The optional ADDR argument of <c>health</c>, <c>ready</c> and <c>prometheus</c> on the current line:
    /// <paramref name="current"/> when absent, validated when given, an argument error when there are more.
    /// </summary>
    public static string ReadOptional(CorefileDispenser d, string plugin, string current)
    {
        var args = d.RemainingArgs();
        switch (args.Count)
        {
            case 0:
                return current;
            case 1:
                if (!TrySplit(args[0], out _, out _, out var error))
                {
                    throw d.Err("plugin/" + plugin + ": " + error);
                }
                return args[0];
            default:
                throw d.ArgErr();
        }
    }

    public static bool TrySplit(string address, out string host, out string port, out string error)
    {
        host = "";
        port = "";
        error = "";
        if (address.StartsWith('['))
        {
            var end = address.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                error = $"address {address}: missing ']' in address";
                return false;
            }
            if (end + 1 >= address.Length || address[end + 1] != ':')
            {
                error = $"address {address}: missing port in address";
                return false;
            }
            host = address[1..end];
            port = address[(end + 2)..];
            return true;
        }
        var colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"address {address}: missing port in address";
            return false;
        }
        if (address.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            error = $"address {address}: too many colons in address";
            return false;
        }
        host = address[..colon];
        port = address[(colon + 1)..];
        return true;
    }

    /// <summary>The endpoint to bind: empty host = every address (dual-stack when IPv6 exists), localhost = 127.0.0.1.</summary>
    public static IPEndPoint Resolve(string address)
    {
        if (!TrySplit(address, out var host, out var portText, out var error))
        {
            throw new FormatException(error);
        }
        // Go treats an empty port ("localhost:") as port 0: any free port.
        var port = 0;
        if (portText.Length > 0 && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw new FormatException($"listen tcp: address {address}: invalid port");
        }
        if (host.Length == 0)
        {
            return new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port);
        }
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }
        // Go listens on the first address the name resolves to, IPv4 preferred.
        var addresses = System.Net.Dns.GetHostAddresses(host);
        foreach (var a in addresses)
        {
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                return new IPEndPoint(a, port);
            }
        }
        if (addresses.Length > 0)
        {
            return new IPEndPoint(addresses[0], port);
        }
        throw new FormatException($"listen tcp: lookup {host}: no such host");
    }
}
