using System.Globalization;
using System.Net;

namespace Dns.EnvInjector.Webhook;

/// <summary>A <c>--listen</c> value: <c>[HOST]:PORT</c>, HOST an IP address (IPv6 in brackets); empty HOST means every address.</summary>
internal readonly record struct ListenAddress(IPAddress? Address, int Port)
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/>.</summary>
    public static ListenAddress Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw new FormatException("invalid --listen \"" + text + "\": expected [HOST]:PORT");
        }
        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException("invalid --listen \"" + text + "\": bad port \"" + portText + "\"");
        }
        if (host.Length == 0)
        {
            return new ListenAddress(null, port);
        }
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new FormatException("invalid --listen \"" + text + "\": \"" + host + "\" is not an IP address");
        }
        return new ListenAddress(address, port);
    }
}
