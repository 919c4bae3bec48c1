using Dns.Fuzz;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.15: every seed and every reproducer of past findings (tests/fuzz/{corpus,repro}/{message,corefile})
/// goes through the fuzz targets in CI, each within 100 ms (bounded by a 2 s guard on a loaded machine).
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = RepoRoot();
        foreach (var kind in new[] { "corpus", "repro" })
        {
            foreach (var target in new[] { "message", "corefile" })
            {
                var dir = Path.Combine(root, "tests", "fuzz", kind, target);
                foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                {
                    if (!Path.GetFileName(f).StartsWith('.'))
                    {
                        data.Add(target, Path.GetRelativePath(root, f));
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Replay_Input_OnlyFormatErrorsAndBoundedTime(string target, string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoRoot(), file));
        var run = Task.Run(() =>
        {
            if (target == "message")
            {
                FuzzTargets.Message(bytes);
            }
            else
            {
                FuzzTargets.Corefile(bytes);
            }
        });
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.True(finished == run, $"{file} did not finish in time");
        await run;
    }

    [Fact]
    public void Corpus_HasSeedsForBothTargets()
    {
        var inputs = Inputs();
        Assert.Contains(inputs, row => (string)row[0] == "message");
        Assert.Contains(inputs, row => (string)row[0] == "corefile");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
