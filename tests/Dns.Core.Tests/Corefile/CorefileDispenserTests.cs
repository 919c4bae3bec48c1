using Dns.Core.Corefile;

namespace Dns.Core.Tests.Corefile;

/// <summary>Caddy v1 dispenser semantics (caddyfile/dispenser.go).</summary>
public sealed class CorefileDispenserTests
{
    private const string Forward = """
        forward . 1.1.1.1 8.8.8.8 {
            max_fails 3
            policy random
        }
        forward foo bar
        """;

    [Fact]
    public void Walk_DirectiveWithBlock_FollowsCaddySemantics()
    {
        var d = CorefileDispenser.FromText(Forward);
        Assert.Equal("", d.Val);
        Assert.True(d.Next());
        Assert.Equal("forward", d.Val);
        Assert.Equal(1, d.Line);
        Assert.Equal([".", "1.1.1.1", "8.8.8.8"], d.RemainingArgs());
        Assert.Equal("8.8.8.8", d.Val);

        Assert.True(d.NextBlock());
        Assert.Equal("max_fails", d.Val);
        Assert.Equal(2, d.Line);
        Assert.True(d.NextArg());
        Assert.Equal("3", d.Val);
        Assert.False(d.NextArg());

        Assert.True(d.NextBlock());
        Assert.Equal("policy", d.Val);
        Assert.Equal(["random"], d.RemainingArgs());

        Assert.False(d.NextBlock());
        Assert.Equal("}", d.Val);

        Assert.True(d.Next());
        Assert.Equal("forward", d.Val);
        Assert.Equal(["foo", "bar"], d.RemainingArgs());
        Assert.False(d.NextBlock());
        Assert.Equal("bar", d.Val);
        Assert.False(d.Next());
        Assert.False(d.NextArg());
    }

    [Fact]
    public void NextBlock_EmptyBlock_ReturnsFalse()
    {
        var d = CorefileDispenser.FromText("cache {\n}\nlog");
        Assert.True(d.Next());
        Assert.Empty(d.RemainingArgs());
        Assert.False(d.NextBlock());
        Assert.Equal("}", d.Val);
        Assert.True(d.Next());
        Assert.Equal("log", d.Val);
    }

    [Fact]
    public void NextBlock_BraceOnNextLine_IsNotABlock()
    {
        var d = CorefileDispenser.FromText("cache\n{\n}");
        Assert.True(d.Next());
        Assert.False(d.NextBlock());
        Assert.Equal("cache", d.Val);
    }

    [Fact]
    public void NextBlock_UnclosedBlock_EndsAtEndOfTokens()
    {
        var d = CorefileDispenser.FromText("cache {\n success 10");
        Assert.True(d.Next());
        Assert.True(d.NextBlock());
        Assert.Equal("success", d.Val);
        Assert.True(d.NextBlock());
        Assert.Equal("10", d.Val);
        Assert.False(d.NextBlock());
    }

    [Fact]
    public void NextArg_BeforeFirstToken_LoadsIt()
    {
        var d = CorefileDispenser.FromText("a b\nc");
        Assert.True(d.NextArg());
        Assert.Equal("a", d.Val);
        Assert.True(d.NextArg());
        Assert.False(d.NextArg());
        Assert.Equal("b", d.Val);
        Assert.False(new CorefileDispenser([]).NextArg());
    }

    [Fact]
    public void NextArg_QuotedTokenWithNewlines_NextTokenIsStillOnItsLine()
    {
        var d = CorefileDispenser.FromText("a \"x\ny\" b\nc");
        Assert.True(d.Next());
        Assert.Equal(["x\ny", "b"], d.RemainingArgs());
        Assert.True(d.NextLine());
        Assert.Equal("c", d.Val);
    }

    [Fact]
    public void NextLine_SameLineToken_DoesNotMove()
    {
        var d = CorefileDispenser.FromText("a b\nc");
        Assert.True(d.Next());
        Assert.False(d.NextLine());
        Assert.True(d.NextArg());
        Assert.True(d.NextLine());
        Assert.Equal("c", d.Val);
    }

    [Fact]
    public void RemainingArgs_QuotedBrace_IsAnArgument()
    {
        var d = CorefileDispenser.FromText("a \"{\" b");
        Assert.True(d.Next());
        Assert.Equal(["{", "b"], d.RemainingArgs());
    }

    [Fact]
    public void Args_Count_LoadsExactlyThatMany()
    {
        var d = CorefileDispenser.FromText("a 1 2\nb");
        Assert.True(d.Next());
        Assert.Equal(["1", "2"], d.Args(2)!);
        var e = CorefileDispenser.FromText("a 1\nb");
        Assert.True(e.Next());
        Assert.Null(e.Args(2));
    }

    [Fact]
    public void Errors_AtToken_NameFileLineInCaddyWording()
    {
        var d = CorefileDispenser.FromText("\nforward\n", "conf/Corefile");
        Assert.True(d.Next());
        Assert.Equal("conf/Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'forward'", d.ArgErr().Message);
        Assert.Equal("conf/Corefile:2 - Error during parsing: Syntax error: Unexpected token 'forward', expecting 'to'", d.SyntaxErr("to").Message);
        Assert.Equal("conf/Corefile:2 - Error during parsing: bad 7", d.Errf("bad {0}", 7).Message);
        var e = d.Err("reason");
        Assert.Equal("conf/Corefile", e.File);
        Assert.Equal(2, e.Line);
        Assert.Equal("reason", e.Reason);

        var b = CorefileDispenser.FromText("cache {\n}");
        Assert.True(b.Next());
        Assert.True(b.NextArg());
        Assert.Equal("Corefile:1 - Error during parsing: Unexpected token '{', expecting argument", b.ArgErr().Message);
    }

    [Fact]
    public void GetDispenser_SeveralUsesOfADirective_AreWalkedInFileOrder()
    {
        var block = CorefileTestParser.Parse(". {\n forward . 1.1.1.1\n whoami\n forward example.org 2.2.2.2\n}")[0];
        var d = block.GetDispenser("forward");
        var seen = new List<string>();
        while (d.Next())
        {
            seen.Add(string.Join(" ", d.RemainingArgs()));
        }
        Assert.Equal([". 1.1.1.1", "example.org 2.2.2.2"], seen);
        Assert.False(block.GetDispenser("log").Next());
    }
}
