using Dns.Core.Corefile;
using static Dns.Core.Tests.Corefile.CorefileTestParser;

namespace Dns.Core.Tests.Corefile;

public sealed class CorefileParserTests
{
    [Theory]
    [InlineData(". {\n whoami\n}", "dns://.:- { whoami }")]
    [InlineData(".:53 {\n whoami\n}", "dns://.:53 { whoami }")]
    [InlineData("example.org example.net {\n whoami\n}", "dns://example.org.:-,dns://example.net.:- { whoami }")]
    [InlineData("example.org, example.net {\n whoami\n}", "dns://example.org.:-,dns://example.net.:- { whoami }")]
    [InlineData("example.org,\n  example.net,\n  example.com {\n whoami\n}", "dns://example.org.:-,dns://example.net.:-,dns://example.com.:- { whoami }")]
    [InlineData("example.org,example.net {\n whoami\n}", "dns://example.org,example.net.:- { whoami }")]
    [InlineData("dns://example.org:1053 {\n whoami\n}", "dns://example.org.:1053 { whoami }")]
    [InlineData("DNS://Example.ORG. {\n whoami\n}", "dns://example.org.:- { whoami }")]
    [InlineData("a.org:1053 b.org:1054 c.org {\n whoami\n}", "dns://a.org.:1053,dns://b.org.:1054,dns://c.org.:- { whoami }")]
    [InlineData("tls://.:853 {\n whoami\n}", "tls://.:853 { whoami }")]
    [InlineData("10.0.0.0/8 {\n whoami\n}", "dns://10.in-addr.arpa.:- { whoami }")]
    [InlineData("10.96.0.0/24:1053 {\n whoami\n}", "dns://0.96.10.in-addr.arpa.:1053 { whoami }")]
    [InlineData("10.0.0.0/15 {\n whoami\n}", "dns://0.10.in-addr.arpa.:-,dns://1.10.in-addr.arpa.:- { whoami }")]
    [InlineData(".\n{\n whoami\n}", "dns://.:- { whoami }")]
    [InlineData(". {\n}", "dns://.:- {  }")]
    [InlineData(".", "dns://.:- {  }")]
    [InlineData("", "")]
    [InlineData("# nothing\n", "")]
    public void Parse_Keys_AreNormalised(string corefile, string expected)
    {
        Assert.Equal(expected, ParseAndRender(corefile));
    }

    [Theory]
    [InlineData(". {\n whoami\n log\n errors stdout\n}", "dns://.:- { whoami; log; errors stdout }")]
    [InlineData(". {\n forward . 1.1.1.1 {\n  max_fails 3\n  policy sequential\n }\n cache 30\n}",
        "dns://.:- { forward . 1.1.1.1 { max_fails 3 policy sequential }; cache 30 }")]
    [InlineData(". {\n template IN A x {\n  match \"^a\"\n  answer \"{{ .Name }} 60 IN A 1.2.3.4\"\n  fallthrough\n }\n}",
        "dns://.:- { template IN A x { match ^a answer {{ .Name }} 60 IN A 1.2.3.4 fallthrough } }")]
    [InlineData(". {\n errors {\n  consolidate 5m \".* i/o timeout$\"\n  nested {\n   deeper 1\n  }\n }\n}",
        "dns://.:- { errors { consolidate 5m .* i/o timeout$ nested { deeper 1 } } }")]
    [InlineData(". {\n whoami # says who\n log#no space\n}", "dns://.:- { whoami; log }")]
    [InlineData(". {\n hosts \"a \\\"b\\\"\nc\" x\n whoami\n}", "dns://.:- { hosts a \"b\"\nc x; whoami }")]
    [InlineData(".\nwhoami\nlog", "dns://.:- { whoami; log }")]
    [InlineData(".:1053\nforward . 8.8.8.8 {\n max_fails 1\n}\ncache", "dns://.:1053 { forward . 8.8.8.8 { max_fails 1 }; cache }")]
    [InlineData("\uFEFF.:53 {\r\n    whoami\r\n    log\r\n}\r\n", "dns://.:53 { whoami; log }")]
    [InlineData(". { whoami }", "dns://.:- { whoami }")]
    [InlineData("a.org {\n whoami\n}\nb.org {\n log\n}", "dns://a.org.:- { whoami } || dns://b.org.:- { log }")]
    public void Parse_Directives_KeepTheirLinesAndBlocks(string corefile, string expected)
    {
        Assert.Equal(expected, ParseAndRender(corefile));
    }

    [Fact]
    public void Parse_EnvironmentReferences_AreReplacedEverywhere()
    {
        var env = new Dictionary<string, string> { ["ZONE"] = "Example.org", ["PORT"] = "1053", ["UP"] = "9.9.9.9", ["DIR"] = "forward" };
        const string corefile = "{$ZONE}:{$PORT} {\n {%DIR%} . {$UP} {$UNSET}x\n}";
        Assert.Equal("dns://example.org.:1053 { forward . 9.9.9.9 x }", ParseAndRender(corefile, env));
    }

    [Fact]
    public void Parse_EnvironmentInsideQuotesAndMidToken_IsReplaced()
    {
        var env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" };
        var block = Assert.Single(Parse(". {\n hosts x{$A}-{%B%} \"{$A} {$B}\"\n}", env));
        Assert.Equal(["hosts", "x1-2", "1 2"], block.Directives[0].Tokens.Select(t => t.Text));
    }

    [Fact]
    public void Parse_Snippets_AreImportedAtTopLevelAndInsideBlocks()
    {
        const string corefile = """
            (common) {
                errors
                log
            }
            (zoneblock) {
                example.com {
                    whoami
                }
            }
            . {
                import common
                whoami
            }
            example.org {
                whoami
                import common
                cache 30
            }
            import zoneblock
            """;
        Assert.Equal(
            "dns://.:- { errors; log; whoami } || dns://example.org.:- { whoami; errors; log; cache 30 } || dns://example.com.:- { whoami }",
            ParseAndRender(corefile));
    }

    [Fact]
    public void Parse_SnippetImportedTwiceInARow_GivesTwoDirectives()
    {
        // Caddy v1 compares file and line only, so the second copy would become arguments of the first.
        const string corefile = "(up) {\n forward . 1.1.1.1\n}\n. {\n import up\n import up\n}";
        var block = Assert.Single(Parse(corefile));
        Assert.Equal(2, block.Directives.Count);
        var d = block.GetDispenser("forward");
        Assert.True(d.Next());
        Assert.Equal([".", "1.1.1.1"], d.RemainingArgs());
        Assert.True(d.Next());
        Assert.Equal("forward", d.Val);
        Assert.Equal([".", "1.1.1.1"], d.RemainingArgs());
        Assert.False(d.Next());
    }

    [Fact]
    public void Parse_SnippetImportedBelowItsDefinitionInsideADirectiveBlock_StaysOnItsOwnLines()
    {
        const string corefile = """
            (opts) {
                max_fails 3
                expire 10s
            }
            . {
                forward . 1.1.1.1 {
                    policy random
                    import opts
                    health_check 5s
                }
                whoami
            }
            """;
        var block = Assert.Single(Parse(corefile));
        Assert.Equal("dns://.:- { forward . 1.1.1.1 { policy random max_fails 3 expire 10s health_check 5s }; whoami }", Render([block]));
        var d = block.GetDispenser("forward");
        Assert.True(d.Next());
        Assert.Equal([".", "1.1.1.1"], d.RemainingArgs());
        var lines = new List<string>();
        while (d.NextBlock())
        {
            lines.Add(d.Val + "(" + string.Join(",", d.RemainingArgs()) + ")");
        }
        Assert.Equal(["policy(random)", "max_fails(3)", "expire(10s)", "health_check(5s)"], lines);
    }

    [Fact]
    public void Parse_SnippetImportingSnippet_IsExpanded()
    {
        const string corefile = "(a) {\n log\n}\n(b) {\n import a\n errors\n}\n. {\n import b\n}";
        Assert.Equal("dns://.:- { log; errors }", ParseAndRender(corefile));
    }

    [Fact]
    public void Parse_ErrorInSnippet_ReportsTheSnippetLine()
    {
        const string corefile = "(bad) {\n whoami\n bogus\n}\n. {\n import bad\n}";
        var e = Assert.Throws<CorefileException>(() => Parse(corefile));
        Assert.StartsWith("Corefile:3 - Error during parsing: Unknown directive 'bogus'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.org {\n whoami\n bogus arg\n}", "Corefile:3", "Unknown directive 'bogus'")]
    [InlineData(". {\n whoami\n", "Corefile:1", "not closed")]
    [InlineData(". {\n forward . 1.1.1.1 {\n  max_fails 3\n}\n", "Corefile:1", "not closed")]
    [InlineData(". {\n forward . 1.1.1.1 {\n  max_fails 3\n", "Corefile:2", "block of 'forward' is not closed")]
    [InlineData("example.org {\n whoami\n}\nexample.org {\n log\n}", "Corefile:4", "cannot serve dns://example.org.:default - it is already defined")]
    [InlineData("example.org:53 {\n whoami\n}\nexample.net Example.org:53 {\n log\n}", "Corefile:4", "already defined")]
    [InlineData(". {\n import missing\n}", "Corefile:2", "File to import not found: missing")]
    [InlineData(". {\n import\n}", "Corefile:2", "Wrong argument count or unexpected line ending after 'import'")]
    [InlineData(". {\n import a b\n}", "Corefile:2", "Import takes only one argument")]
    [InlineData(". {\n import common\n}\n(common) {\n log\n}", "Corefile:2", "File to import not found: common")]
    [InlineData("(s) {\n log\n}\n(s) {\n log\n}", "Corefile:4", "redeclaration of previously declared snippet s")]
    [InlineData("(s) {\n import s\n}\n. {\n import s\n}", "Corefile:2", "Import cycle: snippet 's' imports itself")]
    [InlineData("(s) {\n log\n", "Corefile:1", "snippet 's' is not closed")]
    [InlineData("(s)\nlog", "Corefile:1", "needs a block")]
    [InlineData("}\n", "Corefile:1", "Unexpected token '}'")]
    [InlineData("{\n whoami\n}", "Corefile:1", "expecting a server block key")]
    [InlineData("a.org,\n{\n whoami\n}", "Corefile:2", "check for extra comma")]
    [InlineData("a.org,", "Corefile:1", "Unexpected EOF")]
    [InlineData(". {\n whoami\n}\n}", "Corefile:4", "Unexpected token '}'")]
    [InlineData(".\nwhoami\n}", "Corefile:3", "no matching opening brace")]
    [InlineData("example.org:abc {\n}", "Corefile:1", "invalid port 'abc'")]
    [InlineData("10.0.0.0/33 {\n}", "Corefile:1", "invalid CIDR")]
    [InlineData("ftp://example.org {\n}", "Corefile:1", "unsupported scheme")]
    [InlineData(". {\n hosts \"open\n}", "Corefile:2", "Unterminated quoted string")]
    public void Parse_Invalid_ThrowsWithFileAndLine(string corefile, string location, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => Parse(corefile));
        Assert.StartsWith(location + " - Error during parsing: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameZoneOnDifferentPorts_IsAllowed()
    {
        var blocks = Parse("example.org:53 {\n whoami\n}\nexample.org:1053 {\n whoami\n}");
        Assert.Equal(2, blocks.Count);
    }

    [Fact]
    public void Parse_BlockProperties_ReportFileLineAndZones()
    {
        var blocks = Parse("\n\nexample.org example.org:1053 10.0.0.0/15 {\n whoami\n}", file: "/etc/coredns/Corefile");
        var b = Assert.Single(blocks);
        Assert.Equal("/etc/coredns/Corefile", b.File);
        Assert.Equal(3, b.Line);
        Assert.Equal(["example.org.", "0.10.in-addr.arpa.", "1.10.in-addr.arpa."], b.Zones);
        Assert.Equal(["example.org", "example.org:1053", "10.0.0.0/15"], b.Keys.Select(k => k.Text));
        Assert.True(b.Has("whoami"));
        Assert.False(b.Has("log"));
        Assert.Equal(4, b.Directives[0].Line);
    }

    [Fact]
    public void Parse_ManySnippetImports_AreCapped()
    {
        // Each level doubles: 2^11 expansions exceed coredns/caddy's cap of 1000 instead of running away.
        var sb = new System.Text.StringBuilder("(s0) {\n log\n}\n");
        for (var i = 1; i <= 11; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"(s{i}) {{\n import s{i - 1}\n import s{i - 1}\n}}\n");
        }
        sb.Append(". {\n import s11\n}\n");
        var e = Assert.Throws<CorefileException>(() => Parse(sb.ToString()));
        Assert.Contains("maximum snippet import depth (1000) exceeded", e.Message, StringComparison.Ordinal);
    }
}
