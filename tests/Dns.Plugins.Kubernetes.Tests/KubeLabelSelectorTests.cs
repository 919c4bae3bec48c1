using Dns.Core.Corefile;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>The label selector grammar of <c>labels</c> and <c>namespace_labels</c>, and its use on manifest data.</summary>
public sealed class KubeLabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["app"] = "nginx",
        ["environment"] = "qa",
        ["tier"] = "3",
        ["example.com/team"] = "dns",
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app=nginx", true)]
    [InlineData("app==nginx", true)]
    [InlineData("app = nginx", true)]
    [InlineData("app=apache", false)]
    [InlineData("app!=apache", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app!=nginx", false)]
    [InlineData("environment in (staging, qa),application=nginx", false)]
    [InlineData("environment in (staging, qa),app=nginx", true)]
    [InlineData("environment notin (staging,qa)", false)]
    [InlineData("missing notin (a)", true)]
    [InlineData("missing in (a)", false)]
    [InlineData("tier>2", true)]
    [InlineData("tier<3", false)]
    [InlineData("example.com/team=dns", true)]
    [InlineData("app,environment", true)]
    public void Matches_Table(string selector, bool expected)
    {
        Assert.True(KubeLabelSelector.TryParse(selector, out var s, out var error), error);
        Assert.Equal(expected, s.Matches(Labels));
    }

    [Theory]
    [InlineData("app=nginx,")]
    [InlineData("app in nginx")]
    [InlineData("app in (a,b")]
    [InlineData("app ~ x")]
    [InlineData("tier>x")]
    [InlineData("=x")]
    [InlineData("app=x y")]
    public void TryParse_Invalid_False(string selector) => Assert.False(KubeLabelSelector.TryParse(selector, out _, out _));

    [Theory]
    [InlineData("labels app in (x")]
    [InlineData("namespace_labels ,")]
    public void Setup_InvalidSelector_Error(string line)
    {
        var ex = Assert.Throws<CorefileException>(() => KubernetesSetup.Parse(CorefileDispenser.FromText($"kubernetes {{\n{line}\n}}"), ["cluster.local."]));
        Assert.Contains("unable to parse", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilteredSource_LabelsAndNamespaceLabels_HideObjects()
    {
        var labelled = new ServiceInfo
        {
            Name = "web", Namespace = "prod", ClusterIP = "10.1.0.1", ClusterIPs = ["10.1.0.1"],
            ClusterIPAddresses = [System.Net.IPAddress.Parse("10.1.0.1")], Labels = new Dictionary<string, string> { ["app"] = "web" },
        };
        var other = TestCluster.ClusterIP("prod", "db", ["10.1.0.2"], TestCluster.Port("pg", 5432));
        var snap = new ClusterSnapshot(
            [labelled, other],
            [TestCluster.Slice("prod", "web", "web-1", [TestCluster.Ep("10.2.0.1")]), TestCluster.Slice("prod", "db", "db-1", [TestCluster.Ep("10.2.0.2")])],
            [],
            [new NamespaceInfo { Name = "prod", Labels = new Dictionary<string, string> { ["env"] = "prod" } }, TestCluster.Ns("dev")],
            3, true);
        Assert.True(KubeLabelSelector.TryParse("app=web", out var labels, out _));
        Assert.True(KubeLabelSelector.TryParse("env", out var nsLabels, out _));
        var inner = new InMemoryClusterSource(snap);
        await using var source = new FilteredClusterSource(inner, labels, nsLabels);
        var f = source.Current;
        Assert.NotNull(f.GetService("prod", "web"));
        Assert.Null(f.GetService("prod", "db"));
        Assert.Single(f.GetSlices("prod", "web"));
        Assert.Empty(f.GetSlices("prod", "db"));
        Assert.NotNull(f.GetNamespace("prod"));
        Assert.Null(f.GetNamespace("dev"));
        Assert.Equal(3u, f.Serial);
        Assert.Same(f, source.Current);

        ClusterSnapshot? seen = null;
        source.Changed += s => seen = s;
        inner.Set(new ClusterSnapshot([other], [], [], [TestCluster.Ns("prod")], 4, true));
        Assert.NotNull(seen);
        Assert.Same(seen, source.Current);
        Assert.Empty(source.Current.Services);
        Assert.Null(source.Current.GetNamespace("prod"));
    }
}
