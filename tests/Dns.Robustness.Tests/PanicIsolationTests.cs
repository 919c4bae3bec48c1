using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>robustness.md §5.14: a plugin that throws costs one SERVFAIL and a counter, nothing more.</summary>
public sealed class PanicIsolationTests
{
    [Fact]
    public async Task PluginThrows_ServFailCountedLoggedAndNextQueryNormal()
    {
        await using var server = await Attack.StartAsync();
        var before = Dns.Core.Metrics.MetricsRegistry.Default.Export();
        var udp = await RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("throw.test."), DnsRecordType.A, 1));
        Assert.NotNull(udp);
        Assert.Equal(ResponseCode.ServFail, udp.ResponseCode);
        Assert.Equal("throw.test.", udp.Question.Name.Text);
        var tcp = await RawDns.QueryTcpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("throw.test."), DnsRecordType.A, 2));
        Assert.NotNull(tcp);
        Assert.Equal(ResponseCode.ServFail, tcp.ResponseCode);
        Assert.Contains("Recovered from panic", server.Log, StringComparison.Ordinal);
        Assert.Contains("coredns_panics_total", Dns.Core.Metrics.MetricsRegistry.Default.Export(), StringComparison.Ordinal);
        Assert.NotNull(before);
        var panics = Dns.Core.Metrics.MetricsRegistry.Default.Counter("coredns_panics_total", "").WithLabels().Value;
        Assert.True(panics >= 2);
        await Attack.AssertAliveAsync(server);
    }
}
