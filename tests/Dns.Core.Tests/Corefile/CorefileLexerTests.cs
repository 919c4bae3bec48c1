using Dns.Core.Corefile;

namespace Dns.Core.Tests.Corefile;

public sealed class CorefileLexerTests
{
    private static string Render(string text) =>
        string.Join(" ", CorefileLexer.Tokenize(text, "Corefile").Select(t => $"{t.Line}:{(t.Quoted ? "\"" + t.Text + "\"" : t.Text)}"));

    [Theory]
    [InlineData("a b\tc", "1:a 1:b 1:c")]
    [InlineData("a\nb\n\nc", "1:a 2:b 4:c")]
    [InlineData("a\r\nb\r\n", "1:a 2:b")]
    [InlineData("\uFEFF. {\n}", "1:. 1:{ 2:}")]
    [InlineData("a # comment b\nc", "1:a 2:c")]
    [InlineData("ab#cd ef\ng", "1:ab 2:g")]
    [InlineData("#only a comment", "")]
    [InlineData("\"a b\" c", "1:\"a b\" 1:c")]
    [InlineData("\"\" x", "1:\"\" 1:x")]
    [InlineData("\"say \\\"hi\\\"\"", "1:\"say \"hi\"\"")]
    [InlineData("\"a\\nb\"", "1:\"a\\nb\"")]
    [InlineData("\"back\\\\slash\"", "1:\"back\\\\slash\"")]
    [InlineData("\"line1\nline2\" next\nlast", "1:\"line1\nline2\" 2:next 3:last")]
    [InlineData("\"a\"b", "1:\"a\" 1:b")]
    [InlineData("a\"b\" c", "1:a\"b\" 1:c")]
    [InlineData("\"# not a comment\"", "1:\"# not a comment\"")]
    [InlineData("{$X} {%Y%}", "1:{$X} 1:{%Y%}")]
    [InlineData("a{\n}", "1:a{ 2:}")]
    public void Tokenize_Text_GivesTokensWithLines(string text, string expected)
    {
        Assert.Equal(expected, Render(text));
    }

    [Fact]
    public void Tokenize_UnterminatedQuote_ThrowsWithFileAndLine()
    {
        var e = Assert.Throws<CorefileException>(() => CorefileLexer.Tokenize("a\n\"open\nstill", "conf/Corefile"));
        Assert.StartsWith("conf/Corefile:2 - ", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.Line);
    }
}
