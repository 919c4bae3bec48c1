using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dns.Core.Corefile;

/// <summary>Normalises server-block keys (<c>[SCHEME://]ZONE[:PORT]</c>, CIDR zones to reverse zones), reference §4.2.</summary>
public static class ZoneAddressParser
{
    private static readonly string[] Schemes = ["dns", "tls", "quic", "grpc", "https", "https3"];

    /// <summary>Parses one key; a CIDR zone may yield several addresses.</summary>
    public static List<ZoneAddress> Parse(CorefileToken key)
    {
        var text = key.Text;
        var scheme = "dns";
        var idx = text.IndexOf("://", StringComparison.Ordinal);
        if (idx >= 0)
        {
            scheme = text[..idx].ToLowerInvariant();
            text = text[(idx + 3)..];
            if (Array.IndexOf(Schemes, scheme) < 0)
            {
                throw new CorefileException(key.File, key.Line, $"unsupported scheme '{scheme}' in server block key '{key.Text}'");
            }
        }
        int? port = null;
        var host = text;
        if (text.StartsWith('[') && text.Contains("]:", StringComparison.Ordinal))
        {
            var end = text.IndexOf("]:", StringComparison.Ordinal);
            port = ParsePort(text[(end + 2)..], key);
            host = text[1..end];
        }
        else
        {
            // As CoreDNS's SplitHostPort: digits after the last colon are the port. An IPv6 CIDR keeps its colons
            // (its last colon is followed by the /mask), so "1234:abcd::/64:1053" is zone 1234:abcd::/64, port 1053.
            var colon = text.LastIndexOf(':');
            if (colon >= 0)
            {
                var p = text[(colon + 1)..];
                if (p.Length > 0 && IsDigits(p))
                {
                    port = ParsePort(p, key);
                    host = text[..colon];
                }
                else if (p.Length == 0 || text.IndexOf(':') == colon)
                {
                    throw new CorefileException(key.File, key.Line, $"invalid port '{p}' in server block key '{key.Text}'");
                }
            }
        }
        if (host.Length == 0)
        {
            host = ".";
        }
        var zones = host.Contains('/') ? ReverseZones(host, key) : [NormalizeZone(host, key)];
        var result = new List<ZoneAddress>(zones.Count);
        foreach (var z in zones)
        {
            result.Add(new ZoneAddress(scheme, z, port));
        }
        return result;
    }

    private static int ParsePort(string p, CorefileToken key)
    {
        if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pv) || pv > 65535)
        {
            throw new CorefileException(key.File, key.Line, $"invalid port '{p}' in server block key '{key.Text}'");
        }
        return pv;
    }

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Lower-case FQDN of a zone name.</summary>
    public static string NormalizeZone(string host, CorefileToken key)
    {
        // The canonical text of the parsed name, so that escapes (\065, a\.) and a missing final dot come out the
        // way DnsName.Text spells query names, which is what the zone router compares with.
        if (!Protocol.DnsName.TryParse(host, out var name))
        {
            throw new CorefileException(key.File, key.Line, $"invalid zone '{host}' in server block key '{key.Text}'");
        }
        return name.LowerText;
    }

    /// <summary>
    /// The reverse zones of a CIDR: one zone when the prefix is octet (IPv4) or nibble (IPv6) aligned, otherwise
    /// the aligned subnets at the next boundary, one zone each (CoreDNS plugin/pkg/cidr).
    /// </summary>
    public static List<string> ReverseZones(string cidr, CorefileToken key)
    {
        var slash = cidr.IndexOf('/');
        var addressText = cidr[..slash];
        // .NET reads "10" as 0.0.0.10; Go's ParseCIDR (CoreDNS) only takes a full dotted quad.
        if (!IPAddress.TryParse(addressText, out var ip)
            || (ip.AddressFamily == AddressFamily.InterNetwork && addressText.AsSpan().Count('.') != 3)
            || !int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new CorefileException(key.File, key.Line, $"invalid CIDR '{cidr}' in server block key '{key.Text}'");
        }
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        var bits = v4 ? 32 : 128;
        var unit = v4 ? 8 : 4;
        if (prefix > bits)
        {
            throw new CorefileException(key.File, key.Line, $"invalid CIDR '{cidr}' in server block key '{key.Text}'");
        }
        var bytes = ip.GetAddressBytes();
        // Mask host bits.
        for (var b = 0; b < bytes.Length * 8; b++)
        {
            if (b >= prefix)
            {
                bytes[b / 8] &= (byte)~(0x80 >> (b % 8));
            }
        }
        var aligned = (prefix + unit - 1) / unit * unit;
        var count = 1 << (aligned - prefix);
        var zones = new List<string>(count);
        for (var k = 0; k < count; k++)
        {
            var sub = (byte[])bytes.Clone();
            // Add k at bit position (aligned-1) downwards.
            for (var bit = 0; bit < aligned - prefix; bit++)
            {
                if ((k & (1 << bit)) != 0)
                {
                    var pos = aligned - 1 - bit;
                    sub[pos / 8] |= (byte)(0x80 >> (pos % 8));
                }
            }
            zones.Add(ReverseName(sub, aligned / unit, v4));
        }
        return zones;
    }

    private static string ReverseName(byte[] bytes, int units, bool v4)
    {
        var parts = new List<string>();
        if (v4)
        {
            for (var i = units - 1; i >= 0; i--)
            {
                parts.Add(bytes[i].ToString(CultureInfo.InvariantCulture));
            }
            parts.Add("in-addr.arpa.");
        }
        else
        {
            for (var i = units - 1; i >= 0; i--)
            {
                var b = bytes[i / 2];
                var nibble = i % 2 == 0 ? b >> 4 : b & 0xF;
                parts.Add(nibble.ToString("x", CultureInfo.InvariantCulture));
            }
            parts.Add("ip6.arpa.");
        }
        return string.Join('.', parts);
    }
}
