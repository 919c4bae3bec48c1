using System.Buffers.Binary;
using System.Net;

namespace Dns.Plugins.Kubernetes;

/// <summary>Strict address parsing as Go's <c>net.ParseIP</c> does it (no shorthand IPv4, no leading zeros, no scope IDs).</summary>
internal static class IpText
{
    public static IPAddress? Parse(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (text.Contains(':'))
        {
            foreach (var c in text)
            {
                if (!(char.IsAsciiHexDigit(c) || c == ':' || c == '.'))
                {
                    return null;
                }
            }
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? v6 : null;
        }
        return ParseV4(text);
    }

    private static IPAddress? ParseV4(string text) => TryParseV4(text, out var v) ? ToAddress(v) : null;

    /// <summary>The address of a big-endian IPv4 value (as <see cref="TryParseV4"/> gives it).</summary>
    public static IPAddress ToAddress(uint value) => new(BinaryPrimitives.ReverseEndianness(value) & 0xFFFFFFFFL);

    /// <summary>
    /// Go-style strict dotted quad, as its big-endian value: four decimal parts of at most 255, no leading zeros (Go
    /// 1.17+ rejects them: they meant octal to some parsers). The one IPv4 text check: reverse names,
    /// <see cref="Sources.KubeObjectConverter.TryParseIP"/> and compact endpoints use it.
    /// </summary>
    public static bool TryParseV4(string text, out uint value)
    {
        value = 0;
        uint part = 0;
        var digits = 0;
        var dots = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (digits == 0 || ++dots > 3)
                {
                    return false;
                }
                value = (value << 8) | part;
                part = 0;
                digits = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                if (++digits > 3 || (digits == 2 && text[i - 1] == '0'))
                {
                    return false;
                }
                part = (part * 10) + (uint)(c - '0');
                if (part > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
        if (dots != 3 || digits == 0)
        {
            return false;
        }
        value = (value << 8) | part;
        return true;
    }

    /// <summary>The address of a full reverse name (<c>4.3.2.1.in-addr.arpa.</c>, 32 nibbles <c>.ip6.arpa.</c>), else null (RFC 1035 §3.5, RFC 3596 §2.5).</summary>
    public static IPAddress? FromReverseName(string lowerName)
    {
        const string V4 = ".in-addr.arpa.";
        const string V6 = ".ip6.arpa.";
        if (lowerName.EndsWith(V4, StringComparison.Ordinal))
        {
            var labels = lowerName[..^V4.Length].Split('.');
            if (labels.Length != 4)
            {
                return null;
            }
            return ParseV4(string.Concat(labels[3], ".", labels[2], ".", labels[1], ".", labels[0]));
        }
        if (lowerName.EndsWith(V6, StringComparison.Ordinal))
        {
            var labels = lowerName[..^V6.Length].Split('.');
            if (labels.Length != 32)
            {
                return null;
            }
            var bytes = new byte[16];
            for (var k = 0; k < 32; k++)
            {
                var l = labels[31 - k];
                if (l.Length != 1 || !char.IsAsciiHexDigit(l[0]))
                {
                    return null;
                }
                var nibble = Convert.ToInt32(l, 16);
                bytes[k / 2] |= (byte)(k % 2 == 0 ? nibble << 4 : nibble);
            }
            return new IPAddress(bytes);
        }
        return null;
    }

    /// <summary>The endpoint name derived from an address as written: dots or colons to dashes, a trailing dash gets a 0.</summary>
    public static string Dashed(string addressText)
    {
        if (addressText.Contains('.'))
        {
            return addressText.Replace('.', '-');
        }
        if (addressText.Contains(':'))
        {
            var s = addressText.Replace(':', '-');
            return s.EndsWith('-') ? s + "0" : s;
        }
        return "";
    }
}
