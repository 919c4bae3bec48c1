using System.Text;
using System.Text.RegularExpressions;

namespace Dns.EnvInjector.Tests;

/// <summary>
/// The README's examples marked <c>&lt;!-- golden: ARGS --&gt;</c> are run with the real executable from the repository
/// root, and their output must be exactly what the README shows.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string Exe = Path.Combine(AppContext.BaseDirectory, "Dns.EnvInjector.dll");

    public static TheoryData<string, string> GoldenExamples()
    {
        var data = new TheoryData<string, string>();
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, "Dns.EnvInjector", "README.md")).Replace("\r", "", StringComparison.Ordinal);
        foreach (Match m in Golden().Matches(text))
        {
            var args = m.Groups[1].Value;
            var block = m.Groups[2].Value;
            var lines = block.Split('\n');
            Assert.Equal("$ Dns.EnvInjector " + args, lines[0]);
            data.Add(args, string.Join('\n', lines[1..]));
        }
        return data;
    }

    [Fact]
    public void Readme_HasGoldenExamples() => Assert.True(GoldenExamples().Count >= 3);

    [Theory]
    [MemberData(nameof(GoldenExamples))]
    public async Task Readme_GoldenExample_OutputMatches(string args, string expected)
    {
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", [Exe, .. SplitShellWords(args)], workingDirectory: RepoRoot.Path);

        Assert.True(code == 0, stderr);
        Assert.Equal(expected, stdout);
    }

    /// <summary>Splits like a POSIX shell for the README's needs: spaces, single and double quotes (no escapes).</summary>
    private static List<string> SplitShellWords(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    [GeneratedRegex(@"<!-- golden: (.+?) -->\n~~~ sh\n(.*?)~~~", RegexOptions.Singleline)]
    private static partial Regex Golden();
}
