using System.Net;

namespace Dns.Plugins.Forward;

/// <summary>One upstream from the <b>TO</b> list: plain DNS or DNS over TLS (RFC 7858), with an optional TLS server name.</summary>
public sealed record UpstreamAddress(IPEndPoint EndPoint, bool Tls, string? ServerName = null)
{
    /// <summary>The <c>to</c> metric label: <c>IP:port</c> as CoreDNS prints it (<c>[v6]:port</c>).</summary>
    public string Label => EndPoint.ToString();
}
