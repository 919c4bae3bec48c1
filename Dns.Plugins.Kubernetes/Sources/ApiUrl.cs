using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// An http or https URL as the API source uses one (the API server's, a proxy's): scheme, host, port, path prefix
/// and user info, read as <see cref="Uri"/> reads them for these parts (host lower-cased, default ports, IPv6 in
/// brackets). Its own small parser so that the server does not load System.Private.Uri (0.4 MB resident) for it.
/// </summary>
internal sealed class ApiUrl
{
    private ApiUrl(string scheme, string host, int port, bool defaultPort, string path, string userInfo)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        IsDefaultPort = defaultPort;
        Path = path;
        UserInfo = userInfo;
    }

    /// <summary>http or https.</summary>
    public string Scheme { get; }

    /// <summary>The host as the URL has it, lower-cased; an IPv6 address in brackets.</summary>
    public string Host { get; }

    /// <summary>The host to resolve or connect to: an IPv6 address without its brackets.</summary>
    public string DnsSafeHost => Host.StartsWith('[') ? Host[1..^1] : Host;

    /// <summary>The port (80 or 443 when the URL has none).</summary>
    public int Port { get; }

    /// <summary>Whether <see cref="Port"/> is the scheme's default.</summary>
    public bool IsDefaultPort { get; }

    /// <summary>The path ("/" when none), as written (not unescaped); query and fragment are not kept.</summary>
    public string Path { get; }

    /// <summary>The user info before '@' ("" when none), as written (still percent-encoded).</summary>
    public string UserInfo { get; }

    /// <summary>Whether the scheme is https.</summary>
    public bool IsHttps => Scheme == "https";

    /// <inheritdoc/>
    public override string ToString() =>
        Scheme + "://" + (UserInfo.Length > 0 ? UserInfo + "@" : "") + Host + (IsDefaultPort ? "" : ":" + Port.ToString(CultureInfo.InvariantCulture)) + Path;

    /// <summary>Parses an absolute http or https URL; false for anything else.</summary>
    public static bool TryParse(string? text, out ApiUrl url)
    {
        url = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            return false;
        }
        var scheme = text[..sep].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            return false;
        }
        var rest = text[(sep + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var path = end < 0 || rest[end] != '/' ? "/" : rest[end..];
        var cut = path.IndexOfAny(['?', '#']);
        if (cut >= 0)
        {
            path = path[..cut];
        }
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];
        string host;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(hostPort[1..close], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            host = "[" + hostPort[1..close].ToLowerInvariant() + "]";
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return false;
                }
                portText = after[1..];
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            host = (colon < 0 ? hostPort : hostPort[..colon]).ToLowerInvariant();
            portText = colon < 0 ? null : hostPort[(colon + 1)..];
            if (host.Length == 0 || host.AsSpan().IndexOfAny("[]:% \t") >= 0)
            {
                return false;
            }
        }
        var defaultPort = scheme == "https" ? 443 : 80;
        var port = defaultPort;
        if (portText is { Length: > 0 })
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                return false;
            }
        }
        url = new ApiUrl(scheme, host, port, port == defaultPort, path, userInfo);
        return true;
    }

    /// <summary>Parses an absolute http or https URL or throws <see cref="FormatException"/>.</summary>
    public static ApiUrl Parse(string text) =>
        TryParse(text, out var url) ? url : throw new FormatException($"\"{text}\" is not an http or https URL");

    /// <summary>
    /// <paramref name="value"/> percent-encoded for a query parameter: every UTF-8 byte but RFC 3986's unreserved
    /// characters, as <see cref="Uri.EscapeDataString(string)"/> encodes it.
    /// </summary>
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 15]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Percent-decodes <paramref name="value"/> (UTF-8); a '%' not followed by two hex digits stays as it is.</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('%'))
        {
            return value;
        }
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add((byte)((Hex(value[i + 1]) << 4) | Hex(value[i + 2])));
                i += 2;
            }
            else if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, 2)));
                i++;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());

        static bool IsHex(char c) => char.IsAsciiHexDigit(c);

        static int Hex(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
