namespace Dns.Core.Protocol;

/// <summary>Response code names as CoreDNS and dig print them (<c>NOERROR</c>, <c>NXDOMAIN</c>).</summary>
public static class ResponseCodeText
{
    private static readonly string[] Low =
    [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
        "NXRRSET", "NOTAUTH", "NOTZONE",
    ];

    /// <summary>The name of the code, or its number when it has none.</summary>
    public static string ToText(ResponseCode code)
    {
        var v = (int)code;
        if (v < Low.Length)
        {
            return Low[v];
        }
        return code switch
        {
            ResponseCode.BadVers => "BADVERS",
            ResponseCode.BadCookie => "BADCOOKIE",
            _ => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
