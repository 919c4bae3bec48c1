using Dns.Core.Corefile;
using Dns.Core.Pipeline;

namespace Dns.Core.Tests.Corefile;

/// <summary>Parses with every directive of <see cref="PluginOrder"/> known and an injected environment; renders blocks compactly.</summary>
internal static class CorefileTestParser
{
    public static IReadOnlyList<ServerBlock> Parse(string text, IReadOnlyDictionary<string, string>? env = null, string file = "Corefile") =>
        CorefileParser.Parse(text, file, d => PluginOrder.IndexOf(d) >= 0, n => env is not null && env.TryGetValue(n, out var v) ? v : null);

    /// <summary><c>dns://zone:port,... { directive args; directive args }</c>, one string per block, joined by <c> || </c>.</summary>
    public static string Render(IReadOnlyList<ServerBlock> blocks) =>
        string.Join(" || ", blocks.Select(b =>
            string.Join(",", b.Addresses.Select(a => $"{a.Scheme}://{a.Zone}:{a.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"))
            + " { " + string.Join("; ", b.Directives.Select(d => string.Join(" ", d.Tokens.Select(t => t.Text)))) + " }"));

    public static string ParseAndRender(string text, IReadOnlyDictionary<string, string>? env = null) => Render(Parse(text, env));
}
