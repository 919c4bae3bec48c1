using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Cache;

/// <summary>Every <c>~~~ corefile</c> example of the cache README starts a server.</summary>
public sealed class CacheReadmeTests
{
    private const string Readme = "Dns.Server/Plugins/Cache/README.md";

    public static TheoryData<int> Examples()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Read().Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Readme_Example_StartsServer(int index)
    {
        await using var server = await TestDnsServer.StartAsync(Read()[index]);
        Assert.True(server.Port > 0);
    }

    private static List<string> Read()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
        {
            dir = dir.Parent;
        }
        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), Readme);
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
