namespace Dns.Core.Protocol;

/// <summary>Mnemonics of record types as dig and CoreDNS print them (<c>AAAA</c>, <c>TYPE65280</c>).</summary>
public static class DnsRecordTypeText
{
    private static readonly Dictionary<ushort, string> Names = new()
    {
        [1] = "A", [2] = "NS", [5] = "CNAME", [6] = "SOA", [12] = "PTR", [13] = "HINFO", [15] = "MX", [16] = "TXT",
        [28] = "AAAA", [33] = "SRV", [35] = "NAPTR", [39] = "DNAME", [41] = "OPT", [43] = "DS", [46] = "RRSIG",
        [47] = "NSEC", [48] = "DNSKEY", [50] = "NSEC3", [64] = "SVCB", [65] = "HTTPS", [257] = "CAA",
        [251] = "IXFR", [252] = "AXFR", [255] = "ANY",
    };

    private static readonly Dictionary<string, ushort> Values = BuildValues();

    private static Dictionary<string, ushort> BuildValues()
    {
        var d = new Dictionary<string, ushort>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in Names)
        {
            d[v] = k;
        }
        return d;
    }

    /// <summary>The mnemonic, or <c>TYPEn</c> (RFC 3597 §5) for types without one.</summary>
    public static string ToText(DnsRecordType type) =>
        Names.TryGetValue((ushort)type, out var s) ? s : "TYPE" + ((ushort)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a mnemonic or <c>TYPEn</c>, case-insensitively.</summary>
    public static bool TryParse(string text, out DnsRecordType type)
    {
        if (Values.TryGetValue(text, out var v))
        {
            type = (DnsRecordType)v;
            return true;
        }
        if (text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out v))
        {
            type = (DnsRecordType)v;
            return true;
        }
        type = default;
        return false;
    }
}
