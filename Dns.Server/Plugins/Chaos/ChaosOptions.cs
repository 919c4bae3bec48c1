namespace Dns.Server.Plugins.Chaos;

/// <summary>What <c>chaos</c> answers: the version string and the authors list.</summary>
internal sealed record ChaosOptions(string Version, IReadOnlyList<string> Authors)
{
    /// <summary>
    /// CoreDNS's default authors: the GitHub handles of its maintainers (its generated <c>zowners.go</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> Owners =
    [
        "bradbeam", "chrisohaver", "darshanime", "denis-tingajkin", "dilyevsky", "ekleiner", "fastest963", "greenpau",
        "grobie", "ihac", "inigohu", "isolus", "johnbelamaric", "miekg", "nchrisdk", "nitisht", "pmoroney",
        "rajansandeep", "rdrozhdzh", "rtreffer", "stp-ip", "superq", "varyoo", "ykhr53", "yongtang",
    ];
}
