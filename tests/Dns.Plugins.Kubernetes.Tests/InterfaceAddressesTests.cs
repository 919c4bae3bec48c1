using System.Net;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>The interface addresses read through getifaddrs are the framework's, in Go's order (IPv4 first).</summary>
public sealed class InterfaceAddressesTests
{
    [Fact]
    public void SameAddressesAsNetworkInterface_IPv4First()
    {
        var ours = InterfaceAddresses.All();
        var framework = InterfaceAddresses.FromFramework();
        Assert.Contains(IPAddress.Loopback, ours);
        Assert.Equal(Sorted(framework), Sorted(ours));
        var firstV6 = -1;
        for (var i = 0; i < ours.Count; i++)
        {
            if (ours[i].AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && firstV6 < 0)
            {
                firstV6 = i;
            }
            Assert.False(firstV6 >= 0 && ours[i].AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork, "IPv4 after IPv6");
        }
    }

    private static List<string> Sorted(IEnumerable<IPAddress> a) => a.Select(x => x.ToString()).Order(StringComparer.Ordinal).ToList();
}
