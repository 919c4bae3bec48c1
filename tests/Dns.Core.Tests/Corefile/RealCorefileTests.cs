using Dns.Core.Corefile;

namespace Dns.Core.Tests.Corefile;

/// <summary>The Corefiles people actually run parse into the structure setups expect.</summary>
public sealed class RealCorefileTests
{
    // kubeadm's default CoreDNS ConfigMap.
    private const string Kubeadm = """
        .:53 {
            errors
            health {
               lameduck 5s
            }
            ready
            kubernetes cluster.local in-addr.arpa ip6.arpa {
               pods insecure
               fallthrough in-addr.arpa ip6.arpa
               ttl 30
            }
            prometheus :9153
            forward . /etc/resolv.conf {
               max_concurrent 1000
            }
            cache 30
            loop
            reload
            loadbalance
        }
        """;

    [Fact]
    public void Parse_KubeadmCorefile_GivesEveryDirectiveWithItsBlock()
    {
        var block = Assert.Single(CorefileTestParser.Parse(Kubeadm));
        Assert.Equal(53, Assert.Single(block.Addresses).Port);
        Assert.Equal(
            ["errors", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "reload", "loadbalance"],
            block.Directives.Select(d => d.Name));

        var d = block.GetDispenser("kubernetes");
        Assert.True(d.Next());
        Assert.Equal(["cluster.local", "in-addr.arpa", "ip6.arpa"], d.RemainingArgs());
        var options = new List<string>();
        while (d.NextBlock())
        {
            options.Add(d.Val + ":" + string.Join(",", d.RemainingArgs()));
        }
        Assert.Equal(["pods:insecure", "fallthrough:in-addr.arpa,ip6.arpa", "ttl:30"], options);
        Assert.False(d.Next());

        var h = block.GetDispenser("health");
        Assert.True(h.Next());
        Assert.Empty(h.RemainingArgs());
        Assert.True(h.NextBlock());
        Assert.Equal("lameduck", h.Val);
        Assert.Equal(4, h.Line);
    }

    [Fact]
    public void Parse_RepositoryCorefile_UsesOnlyRegisteredDirectives()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Dns.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        Assert.NotNull(dir);
        var path = Path.Combine(dir, "Corefile");
        var registry = Dns.Server.BuiltinPlugins.Create();
        var blocks = CorefileParser.ParseFile(path, registry.Contains);
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.NotEmpty(b.Directives));
    }
}
