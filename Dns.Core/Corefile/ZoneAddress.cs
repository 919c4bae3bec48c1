namespace Dns.Core.Corefile;

/// <summary>
/// One server-block key after normalisation: scheme (<c>dns</c>, <c>tls</c>, ...), zone as a lower-case FQDN,
/// and the port when the key gave one (null: the <c>-dns.port</c> default applies).
/// </summary>
public sealed record ZoneAddress(string Scheme, string Zone, int? Port)
{
    /// <summary>The port to listen on, given the default.</summary>
    public int EffectivePort(int defaultPort) => Port ?? DefaultPortFor(Scheme, defaultPort);

    /// <summary>Default port of a scheme (<c>dns</c>: the <c>-dns.port</c> value).</summary>
    public static int DefaultPortFor(string scheme, int dnsPort) => scheme switch
    {
        "tls" or "quic" => 853,
        "grpc" or "https" or "https3" => 443,
        _ => dnsPort,
    };

    /// <summary><c>dns://zone:port</c> form as CoreDNS prints it.</summary>
    public string ToString(int defaultPort) => $"{Scheme}://{Zone}:{EffectivePort(defaultPort)}";
}
