using System.Text.RegularExpressions;

namespace Dns.Server.Tests.Plugins.Health;

/// <summary>Every <c>~~~ corefile</c> example in the READMEs of health, ready, prometheus, reload, loop and loadbalance starts a server.</summary>
public sealed partial class ReadmeExampleTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var plugin in new[] { "Health", "Ready", "Metrics", "Reload", "Loop", "Loadbalance" })
        {
            var count = CorefileBlock().Matches(File.ReadAllText(ReadmePath(plugin))).Count;
            Assert.True(count > 0, plugin + " README has no corefile example");
            for (var i = 0; i < count; i++)
            {
                data.Add(plugin, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_Starts(string plugin, int index)
    {
        var corefile = CorefileBlock().Matches(File.ReadAllText(ReadmePath(plugin)))[index].Groups[1].Value;
        // Fixed ports become ephemeral ones so examples can run side by side on any machine.
        corefile = HttpPort().Replace(corefile, "127.0.0.1:0");
        await using var h = await OpsTestHost.StartAsync(corefile);
        Assert.True(h.Port > 0);
    }

    private static string ReadmePath(string plugin)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "Dns.Server", "Plugins", plugin, "README.md");
            if (File.Exists(p))
            {
                return p;
            }
        }
        throw new FileNotFoundException(plugin + "/README.md");
    }

    [GeneratedRegex(@"~~~ corefile\n(.*?)~~~", RegexOptions.Singleline)]
    private static partial Regex CorefileBlock();

    [GeneratedRegex(@"(?<=(health|ready|prometheus) )(localhost)?:\d+")]
    private static partial Regex HttpPort();
}
