using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.10 on the real server: ANY is never an amplifier (the kubernetes plugin answers it with its
/// internal A lookup deciding NODATA or NXDOMAIN, never data, like CoreDNS), and zone transfers are REFUSED.
/// </summary>
public sealed class KubernetesAnyAxfrTests(BigClusterFixture fixture) : IClassFixture<BigClusterFixture>
{
    [Theory]
    [InlineData(BigClusterFixture.BigService, ResponseCode.NoError)]
    [InlineData(KubeCluster.KnownService, ResponseCode.NoError)]
    [InlineData(BigClusterFixture.PodName, ResponseCode.NoError)]
    [InlineData("cluster.local.", ResponseCode.NoError)]
    [InlineData("nothere.demo.svc.cluster.local.", ResponseCode.NxDomain)]
    [InlineData("10-244-9-9.demo.pod.cluster.local.", ResponseCode.NxDomain)]
    public async Task Any_UdpWithoutEdns_NoDataOrNxDomainWithSoaWithin512(string name, ResponseCode rcode)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.Any, 0x4444);

        var raw = await RawDns.UdpAsync(fixture.Cluster.Server.EndPoint, q.ToArray());

        Assert.NotNull(raw);
        Assert.True(raw.Length <= 512, $"{raw.Length} bytes");
        var r = DnsMessage.Parse(raw);
        Assert.Equal(rcode, r.ResponseCode);
        Assert.False(r.Truncated);
        Assert.True(r.AuthoritativeAnswer);
        Assert.Empty(r.Answers);
        Assert.Empty(r.Additional);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(r.Authority));
        Assert.Equal("cluster.local.", soa.Name.Text);
        await fixture.Cluster.AssertAliveAsync();
    }

    [Fact]
    public async Task Any_Dig_ExistingServiceNoData()
    {
        var r = await Dig.RunAsync(fixture.Cluster.Server.Port, BigClusterFixture.BigService, "ANY");

        Assert.Equal("NOERROR", r.Status);
        Assert.Empty(r.Section("ANSWER"));
        Assert.Single(r.Section("AUTHORITY"));
    }

    [Theory]
    [InlineData(DnsRecordType.Axfr)]
    [InlineData(DnsRecordType.Ixfr)]
    public async Task ZoneTransfer_Tcp_RefusedWithoutRecords(DnsRecordType type)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse("cluster.local."), type, 0x5555);

        var r = await RawDns.QueryTcpAsync(fixture.Cluster.Server.EndPoint, q);

        Assert.NotNull(r);
        Assert.Equal(0x5555, r.Id);
        Assert.Equal(ResponseCode.Refused, r.ResponseCode);
        Assert.False(r.AuthoritativeAnswer);
        Assert.Empty(r.Answers);
        Assert.Empty(r.Authority);
        Assert.Empty(r.Additional);
        await fixture.Cluster.AssertAliveAsync();
    }

    [Fact]
    public async Task Axfr_Dig_TransferFailed()
    {
        var r = await Dig.RunAsync(fixture.Cluster.Server.Port, "cluster.local", "AXFR");

        Assert.Contains("Transfer failed", r.Output, StringComparison.Ordinal);
        await fixture.Cluster.AssertAliveAsync();
    }
}
