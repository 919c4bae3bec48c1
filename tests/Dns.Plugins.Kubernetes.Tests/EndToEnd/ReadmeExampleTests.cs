using System.Text.RegularExpressions;
using Dns.Testing;

namespace Dns.Plugins.Kubernetes.Tests.EndToEnd;

/// <summary>Every <c>~~~ corefile</c> example of the kubernetes and k8s_external READMEs starts a server that answers.</summary>
public sealed partial class ReadmeExampleTests
{
    [GeneratedRegex(@"^~~~ corefile\n(?<body>.*?)^~~~", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CorefileBlock();

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var readme in new[] { "Dns.Plugins.Kubernetes/README.md", "Dns.Plugins.Kubernetes/External/README.md" })
        {
            var n = 0;
            foreach (Match _ in CorefileBlock().Matches(File.ReadAllText(Path.Combine(RepoRoot, readme))))
            {
                data.Add(readme, n++);
            }
        }
        return data;
    }

    private static string RepoRoot => Path.GetDirectoryName(Path.GetDirectoryName(KubernetesEndToEndTests.ClusterYaml))!;

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Readme_CorefileExample_StartsAndAnswers(string readme, int index)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot, readme));
        var corefile = CorefileBlock().Matches(text)[index].Groups["body"].Value
            .Replace("examples/cluster.yaml", KubernetesEndToEndTests.ClusterYaml, StringComparison.Ordinal);
        await using var server = await TestDnsServer.StartAsync(corefile);
        var r = await Dig.RunAsync(server.Port, "kube-dns.kube-system.svc.cluster.local", "A");
        Assert.Equal("NOERROR", r.Status);
        Assert.Equal(["kube-dns.kube-system.svc.cluster.local. " + (corefile.Contains("ttl 30", StringComparison.Ordinal) ? "30" : "5") + " IN A 10.96.0.10"], r.Section("ANSWER"));
    }
}
