using Dns.Core.Pipeline;
using Dns.Server.Hosting;

namespace Dns.Server.Plugins.Chaos;

/// <summary>
/// <c>chaos [VERSION] [AUTHORS...]</c>. No argument: <c>CoreDNS-&lt;version&gt;</c> and the maintainers; one: that
/// version; more: version and the given authors (deduplicated, sorted). Strings are cut to 255 octets.
/// </summary>
internal sealed class ChaosSetup : IPluginSetup
{
    public string Name => "chaos";

    public void Setup(SetupContext context) => context.AddPlugin(new ChaosPlugin(Parse(context.Dispenser)));

    internal static ChaosOptions Parse(Core.Corefile.CorefileDispenser d)
    {
        var version = "CoreDNS-" + DnsServerHost.CompatibleVersion;
        if (!d.Next())
        {
            return new ChaosOptions(Trim(version), ChaosOptions.Owners);
        }
        var args = d.RemainingArgs();
        if (args.Count == 0)
        {
            return new ChaosOptions(Trim(version), ChaosOptions.Owners);
        }
        if (args.Count == 1)
        {
            return new ChaosOptions(Trim(args[0]), ChaosOptions.Owners);
        }
        var authors = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            authors.Add(Trim(args[i]));
        }
        return new ChaosOptions(Trim(args[0]), new List<string>(authors));
    }

    // A TXT character-string holds at most 255 octets (RFC 1035 §3.3).
    private static string Trim(string s) => s.Length < 256 ? s : s[..255];
}
