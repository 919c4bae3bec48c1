using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

/// <summary>Every <c>~~~ corefile</c> example of the forward README starts a server (CoreDNS's readme_test.go).</summary>
public sealed class ForwardReadmeTests
{
    public static TheoryData<int> Examples()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < ReadmeExamples.Read("Dns.Plugins.Forward/README.md").Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Readme_Example_StartsServer(int index)
    {
        var corefile = ReadmeExamples.Read("Dns.Plugins.Forward/README.md")[index];
        await using var server = await TestDnsServer.StartAsync(corefile);
        Assert.True(server.Port > 0);
    }
}

/// <summary>The <c>~~~ corefile</c> blocks of a README in the repository.</summary>
internal static class ReadmeExamples
{
    public static List<string> Read(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
        {
            dir = dir.Parent;
        }
        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), relativePath);
        var blocks = new List<string>();
        List<string>? current = null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (current is null && line.Trim() == "~~~ corefile")
            {
                current = [];
            }
            else if (current is not null && line.Trim() == "~~~")
            {
                blocks.Add(string.Join('\n', current));
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }
        return blocks;
    }
}
