using System.Globalization;
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

    private static IPAddress? ParseV4(string text)
    {
        Span<byte> b = stackalloc byte[4];
        var part = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            var len = i - start;
            if (len is 0 or > 3 || (len > 1 && text[start] == '0'))
            {
                return null;
            }
            var v = int.Parse(text.AsSpan(start, len), NumberStyles.None, CultureInfo.InvariantCulture);
            if (v > 255 || part > 3)
            {
                return null;
            }
            b[part++] = (byte)v;
            if (i == text.Length)
            {
                break;
            }
            if (text[i] != '.')
            {
                return null;
            }
            i++;
        }
        return part == 4 ? new IPAddress(b) : null;
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
