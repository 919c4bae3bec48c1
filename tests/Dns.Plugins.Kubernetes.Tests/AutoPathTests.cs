using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>The search path handed to <c>autopath @kubernetes</c>.</summary>
public sealed class AutoPathTests
{
    private static DnsContext Context(string qname, string client) =>
        new(DnsMessage.CreateQuery(DnsName.Parse(qname), DnsRecordType.A), DnsTransport.Udp, new IPEndPoint(IPAddress.Parse(client), 5353));

    [Fact]
    public void AutoPath_VerifiedPodClient_PodNamespaceFirst()
    {
        var h = K8sHarness.Create("pods verified");
        h.Plugin.AutoPathSearch = ["corp.example."];
        var search = h.Plugin.AutoPath(Context("svc1.testns.svc.cluster.local.", "10.244.1.1"));
        Assert.Equal(["other.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", "corp.example.", ""], search);
    }

    [Fact]
    public void AutoPath_Ipv4MappedClient_Found()
    {
        var h = K8sHarness.Create("pods verified");
        Assert.NotNull(h.Plugin.AutoPath(Context("x.cluster.local.", "::ffff:172.0.0.2")));
    }

    [Theory]
    [InlineData("pods verified", "example.org.", "10.244.1.1")]
    [InlineData("pods insecure", "svc1.testns.svc.cluster.local.", "10.244.1.1")]
    [InlineData("pods verified", "svc1.testns.svc.cluster.local.", "192.0.2.1")]
    [InlineData("pods verified", "svc1.testns.svc.cluster.local.", "10.244.9.8")]
    public void AutoPath_NotApplicable_Null(string body, string qname, string client) =>
        Assert.Null(K8sHarness.Create(body, zones: "cluster.local").Plugin.AutoPath(Context(qname, client)));

    [Fact]
    public void ResolvConfSearch_LastSearchLineWins_Fqdns()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "nameserver 10.0.0.1\nsearch a.example\nsearch Default.svc.cluster.local svc.cluster.local.\toptions.example\noptions ndots:5\n");
            Assert.Equal(["default.svc.cluster.local.", "svc.cluster.local.", "options.example."], KubernetesSetup.ResolvConfSearch(path));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Empty(KubernetesSetup.ResolvConfSearch(path));
    }
}
