using System.Text;
using System.Text.RegularExpressions;
using Dns.Core.Corefile;
using Dns.Core.Protocol;
using Dns.Server;
using Dns.Testing;
using Xunit.Abstractions;

namespace Dns.EndToEnd.Tests;

/// <summary>
/// Every <c>~~~ corefile</c> block of every plugin README (Dns.Server/Plugins/*/README.md, Dns.Plugins.*/README.md)
/// must start a server, as CoreDNS's README test does. Keys are moved to port 0 (<c>example.org</c> becomes
/// <c>example.org:0</c>, <c>.:53</c> becomes <c>.:0</c>) and the fixed ports of side listeners (health, ready,
/// prometheus, pprof) to 0. Nothing else is rewritten.
/// </summary>
public sealed partial class ReadmeExamplesTests(ITestOutputHelper output)
{
    /// <summary>
    /// Directives that other branches register. A block using one of them is reported as skipped only while the
    /// directive is not registered; once it is, the block must start like any other.
    /// </summary>
    private static readonly Dictionary<string, string> PendingDirectives = new(StringComparer.Ordinal)
    {
        ["file"] = "the file plugin is not part of this server",
        ["template"] = "the template plugin is not part of this server",
    };

    /// <summary>Directives whose arguments name listen addresses that must not be fixed ports in tests.</summary>
    private static readonly HashSet<string> ListenerDirectives = new(StringComparer.Ordinal) { "health", "ready", "prometheus", "pprof" };

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Dns.sln) not found");
    }

    private static IEnumerable<string> Readmes(string root)
    {
        var plugins = Path.Combine(root, "Dns.Server", "Plugins");
        foreach (var d in Directory.GetDirectories(plugins).Order(StringComparer.Ordinal))
        {
            var f = Path.Combine(d, "README.md");
            if (File.Exists(f))
            {
                yield return f;
            }
        }
        foreach (var d in Directory.GetDirectories(root, "Dns.Plugins.*").Order(StringComparer.Ordinal))
        {
            var f = Path.Combine(d, "README.md");
            if (File.Exists(f))
            {
                yield return f;
            }
        }
    }

    [GeneratedRegex(@"^~~~\s*corefile\s*$")]
    private static partial Regex Fence();

    /// <summary>The corefile blocks of a README, in order.</summary>
    internal static List<string> Blocks(string markdown)
    {
        var blocks = new List<string>();
        StringBuilder? current = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current is null)
            {
                if (Fence().IsMatch(line.Trim()))
                {
                    current = new StringBuilder();
                }
                continue;
            }
            if (line.Trim() == "~~~")
            {
                blocks.Add(current.ToString());
                current = null;
                continue;
            }
            current.Append(line).Append('\n');
        }
        return blocks;
    }

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        var root = RepoRoot();
        foreach (var readme in Readmes(root))
        {
            var n = Blocks(File.ReadAllText(readme)).Count;
            for (var i = 0; i < n; i++)
            {
                data.Add(Path.GetRelativePath(root, readme), i);
            }
        }
        return data;
    }

    [Fact]
    public void Readmes_EveryPluginHasOne_WithExamples()
    {
        var root = RepoRoot();
        foreach (var d in Directory.GetDirectories(Path.Combine(root, "Dns.Server", "Plugins")))
        {
            var readme = Path.Combine(d, "README.md");
            Assert.True(File.Exists(readme), $"{d} has no README.md");
            var text = File.ReadAllText(readme);
            foreach (var section in new[] { "## Name", "## Description", "## Syntax", "## Examples" })
            {
                Assert.True(text.Contains(section, StringComparison.Ordinal), $"{readme} lacks '{section}'");
            }
            Assert.NotEmpty(Blocks(text));
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_StartsServer(string readme, int index)
    {
        var root = RepoRoot();
        var path = Path.Combine(root, readme);
        var original = Blocks(File.ReadAllText(path))[index];
        var corefile = ToPortZero(original);
        output.WriteLine(corefile);

        var registry = BuiltinPlugins.Create();
        var blocks = CorefileParser.Parse(corefile, "Corefile", _ => true);
        foreach (var b in blocks)
        {
            foreach (var d in b.Directives)
            {
                if (!registry.Contains(d.Name))
                {
                    Assert.True(PendingDirectives.TryGetValue(d.Name, out var reason), $"{readme} example {index} uses unknown directive '{d.Name}'");
                    output.WriteLine($"skipped: '{d.Name}' {reason}");
                    return;
                }
            }
        }

        await using var server = await TestDnsServer.StartAsync(corefile, fileName: Path.Combine(Path.GetDirectoryName(path)!, "Corefile"));
        Assert.All(server.Host.Ports, p => Assert.NotEqual(0, p));
        if (!corefile.Contains("bind", StringComparison.Ordinal))
        {
            // The listener serves: a query with opcode 15 is answered NOTIMP before any plugin (so an example
            // that forwards to an unreachable upstream still proves it is up).
            var query = DnsMessage.CreateQuery(DnsName.Parse(blocks[0].Zones[0]), DnsRecordType.A, 4711).ToArray();
            query[2] = (byte)((query[2] & 0x87) | (15 << 3));
            var reply = await RawDns.UdpAsync(server.EndPoint, query, 2000);
            Assert.NotNull(reply);
            Assert.Equal((int)ResponseCode.NotImp, reply[3] & 0x0F);
        }
    }

    [Theory]
    [InlineData("example.org {\n whoami\n}\n", "example.org:0 {\n whoami\n}\n")]
    [InlineData(".:53 {\n whoami\n}\n", ".:0 {\n whoami\n}\n")]
    [InlineData("dns://.:1053 {\n whoami\n}\n", "dns://.:0 {\n whoami\n}\n")]
    [InlineData("a.org b.org, c.org {\n whoami\n}\n", "a.org:0 b.org:0, c.org:0 {\n whoami\n}\n")]
    [InlineData(". {\n health :8080\n prometheus localhost:9153\n hosts {\n  10.0.0.1 a.org\n }\n}\n", ".:0 {\n health :0\n prometheus localhost:0\n hosts {\n  10.0.0.1 a.org\n }\n}\n")]
    [InlineData(". {\n prometheus localhost:{$PORT}\n}\n", ".:0 {\n prometheus localhost:0\n}\n")]
    [InlineData("(snip) {\n log\n}\n. {\n import snip\n}\n", "(snip) {\n log\n}\n.:0 {\n import snip\n}\n")]
    public void ToPortZero_Table_Rewritten(string input, string expected) => Assert.Equal(expected, ToPortZero(input));

    [GeneratedRegex(@"^(?<host>.*?)(:\d+)?$")]
    private static partial Regex HostPort();

    /// <summary>Moves every server block key, and the listen address of side listeners, to port 0.</summary>
    internal static string ToPortZero(string corefile)
    {
        var sb = new StringBuilder();
        var depth = 0;
        var braces = corefile.Contains('{', StringComparison.Ordinal);
        var first = true;
        foreach (var line in corefile.Split('\n'))
        {
            var code = line.Split('#')[0];
            var trimmed = code.Trim();
            if (depth == 0 && trimmed.Length > 0 && (braces || first))
            {
                first = false;
                var brace = code.IndexOf('{', StringComparison.Ordinal);
                var keys = brace < 0 ? code : code[..brace];
                var rest = brace < 0 ? line[code.Length..] : line[brace..];
                sb.Append(RewriteKeys(keys)).Append(rest);
            }
            else if (depth > 0 && trimmed.Length > 0 && ListenerDirectives.Contains(trimmed.Split(' ', '\t')[0]))
            {
                // A fixed port or an environment placeholder for it ({$PORT}) becomes 0.
                sb.Append(Regex.Replace(line, @"(?<=\s)(\S*):(\d+|\{\$\w+\}|\{%\w+%\})(?=\s|$)", "$1:0"));
            }
            else
            {
                sb.Append(line);
            }
            sb.Append('\n');
            foreach (var c in code)
            {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
        }
        return sb.ToString(0, sb.Length - 1);
    }

    private static string RewriteKeys(string keys) =>
        Regex.Replace(keys, @"[^\s,]+", m =>
        {
            var key = m.Value;
            if (key.StartsWith('(') || key == "import")
            {
                return key;
            }
            var scheme = "";
            var i = key.IndexOf("://", StringComparison.Ordinal);
            if (i >= 0)
            {
                scheme = key[..(i + 3)];
                key = key[(i + 3)..];
            }
            return scheme + HostPort().Match(key).Groups["host"].Value + ":0";
        });
}
