namespace Dns.Core.Protocol;

/// <summary>Mnemonics of classes (<c>IN</c>, <c>CH</c>, <c>CLASSn</c>).</summary>
public static class DnsClassText
{
    /// <summary>The mnemonic, or <c>CLASSn</c> (RFC 3597 §5).</summary>
    public static string ToText(DnsClass c) => c switch
    {
        DnsClass.In => "IN",
        DnsClass.Ch => "CH",
        DnsClass.Hs => "HS",
        DnsClass.None => "NONE",
        DnsClass.Any => "ANY",
        _ => "CLASS" + ((ushort)c).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a class mnemonic, case-insensitively.</summary>
    public static bool TryParse(string text, out DnsClass c)
    {
        switch (text.ToUpperInvariant())
        {
            case "IN": c = DnsClass.In; return true;
            case "CH": c = DnsClass.Ch; return true;
            case "CHAOS": c = DnsClass.Ch; return true;
            case "HS": c = DnsClass.Hs; return true;
            case "NONE": c = DnsClass.None; return true;
            case "ANY": c = DnsClass.Any; return true;
        }
        if (text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
        {
            c = (DnsClass)v;
            return true;
        }
        c = default;
        return false;
    }
}
