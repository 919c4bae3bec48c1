using Dns.Core.Corefile;
using static Dns.Core.Tests.Corefile.CorefileTestParser;

namespace Dns.Core.Tests.Corefile;

public sealed class CorefileImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corefile-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private IReadOnlyList<ServerBlock> ParseMain(string text) => Parse(text, file: Write("Corefile", text));

    [Fact]
    public void Parse_ImportGlobAtTopLevel_AddsBlocksInNameOrder()
    {
        Write("conf.d/b.conf", "b.org {\n log\n}\n");
        Write("conf.d/a.conf", "a.org {\n whoami\n}\n");
        Write("conf.d/ignored.txt", "bogus\n");
        var blocks = ParseMain(". {\n errors\n}\nimport conf.d/*.conf\n");
        Assert.Equal("dns://.:- { errors } || dns://a.org.:- { whoami } || dns://b.org.:- { log }", Render(blocks));
        Assert.Equal(Path.Combine(_dir, "conf.d", "a.conf"), blocks[1].File);
        Assert.Equal(1, blocks[1].Line);
    }

    [Fact]
    public void Parse_ImportFileInsideBlock_SplicesDirectives()
    {
        Write("plugins.conf", "whoami\nforward . 1.1.1.1 {\n  max_fails 2\n}\n");
        var blocks = ParseMain(". {\n errors\n import plugins.conf\n log\n}\n");
        Assert.Equal("dns://.:- { errors; whoami; forward . 1.1.1.1 { max_fails 2 }; log }", Render(blocks));
    }

    [Fact]
    public void Parse_ImportSameFileTwiceInARow_KeepsDirectivesApart()
    {
        Write("up.conf", "forward . 1.1.1.1\n");
        var block = Assert.Single(ParseMain(". {\n import up.conf\n import up.conf\n}\n"));
        Assert.Equal(2, block.Directives.Count);
        Assert.All(block.Directives, d => Assert.Equal(3, d.Tokens.Count));
    }

    [Fact]
    public void Parse_NestedImport_IsRelativeToTheImportingFile()
    {
        Write("sub/x.conf", "import y.conf\n");
        Write("sub/y.conf", "whoami\n");
        Write("y.conf", "log\n");
        var blocks = ParseMain(". {\n import sub/x.conf\n}\n");
        Assert.Equal("dns://.:- { whoami }", Render(blocks));
    }

    [Fact]
    public void Parse_ImportWithAbsolutePath_Works()
    {
        var path = Write("abs/z.conf", "whoami\n");
        Assert.Equal("dns://.:- { whoami }", Render(Parse($". {{\n import {path}\n}}\n", file: Path.Combine(_dir, "elsewhere", "Corefile"))));
    }

    [Fact]
    public void Parse_ImportGlobWithoutMatches_IsOnlyAWarning()
    {
        Assert.Equal("dns://.:- { whoami }", Render(ParseMain(". {\n import none/*.conf\n whoami\n}\n")));
    }

    [Fact]
    public void Parse_TopLevelImportOfNothing_GivesNoBlocks()
    {
        Assert.Empty(ParseMain("import none/*.conf\n"));
        Assert.Equal("dns://.:- { whoami }", Render(ParseMain(". {\n whoami\n}\nimport none/*.conf\n")));
    }

    [Fact]
    public void Parse_ImportedFileError_NamesTheImportedFileAndLine()
    {
        var path = Write("bad.conf", "whoami\nbogus\n");
        var e = Assert.Throws<CorefileException>(() => ParseMain(". {\n import bad.conf\n}\n"));
        Assert.StartsWith($"{path}:2 - Error during parsing: Unknown directive 'bogus'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ImportCycle_IsAnErrorWithFileAndLine()
    {
        var a = Write("a.conf", "log\nimport b.conf\n");
        Write("b.conf", "\nimport a.conf\n");
        var e = Assert.Throws<CorefileException>(() => ParseMain(". {\n import a.conf\n}\n"));
        Assert.StartsWith($"{Path.Combine(_dir, "b.conf")}:2 - ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Import cycle: {a} imports itself", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SelfImport_IsAnError()
    {
        var e = Assert.Throws<CorefileException>(() => ParseMain(". {\n whoami\n}\nimport Corefile\n"));
        Assert.StartsWith($"{Path.Combine(_dir, "Corefile")}:4 - ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Import cycle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameFileImportedByTwoBlocks_IsNotACycle()
    {
        Write("common.conf", "errors\n");
        var blocks = ParseMain("a.org {\n import common.conf\n}\nb.org {\n import common.conf\n}\n");
        Assert.Equal("dns://a.org.:- { errors } || dns://b.org.:- { errors }", Render(blocks));
    }

    [Theory]
    [InlineData("import *.conf/*.conf", "may only contain one wildcard")]
    [InlineData("import a?b?.conf", "may only contain one wildcard")]
    [InlineData("import [ab].conf", "may only contain one wildcard")]
    [InlineData("import sub", "is a directory")]
    [InlineData("import nothere.conf", "File to import not found: nothere.conf")]
    public void Parse_BadImport_IsAnError(string line, string fragment)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        var e = Assert.Throws<CorefileException>(() => ParseMain($". {{\n {line}\n}}\n"));
        Assert.StartsWith($"{Path.Combine(_dir, "Corefile")}:2 - ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_ReadsFromDisk_AndMissingFileIsAnError()
    {
        var path = Write("Corefile", "example.org {\n whoami\n}\n");
        var blocks = CorefileParser.ParseFile(path, _ => true);
        Assert.Equal(["example.org."], blocks[0].Zones);
        Assert.Throws<CorefileException>(() => CorefileParser.ParseFile(Path.Combine(_dir, "missing"), _ => true));
    }
}
