using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Get_Health_Returns200Ok()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        var (status, body) = await h.GetAsync("127.0.0.1:0", "/health");
        Assert.Equal(200, status);
        Assert.Equal("OK", body);
    }

    [Fact]
    public async Task Get_UnknownPath_Returns404()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        var (status, _) = await h.GetAsync("127.0.0.1:0", "/nope");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Health_TwoBlocksSameAddress_OneListener()
    {
        await using var h = await OpsTestHost.StartAsync("a.org:0 {\n    health 127.0.0.1:0\n    whoami\n}\nb.org:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        Assert.Single(h.Host.HttpPorts);
        Assert.Equal(200, (await h.GetAsync("127.0.0.1:0", "/health")).Status);
    }

    [Fact]
    public async Task Start_AddressInUse_FailsNamingAddress()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        await using var h = OpsTestHost.Create($".:0 {{\n    health 127.0.0.1:{port}\n    whoami\n}}\n");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Host.StartAsync());
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfCheck_AfterASecond_RecordsDuration()
    {
        await using var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0\n    whoami\n}\n");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!h.Metrics.Export().Contains("coredns_health_request_duration_seconds_count 1", StringComparison.Ordinal) &&
               !h.Metrics.Export().Contains("coredns_health_request_duration_seconds_count 2", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, h.Metrics.Export());
            await Task.Delay(100);
        }
        Assert.Contains("coredns_health_request_failures_total 0", h.Metrics.Export(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_WithLameduck_KeepsAnsweringDnsAndHealthUntilItEnds()
    {
        var h = await OpsTestHost.StartAsync(".:0 {\n    health 127.0.0.1:0 {\n        lameduck 3s\n    }\n    ready 127.0.0.1:0\n    whoami\n}\n");
        var healthPort = h.HttpPort("127.0.0.1:0");
        var ep = h.EndPoint;
        Assert.Equal(200, (await Http.GetAsync(healthPort, "/ready")).Status);
        var stop = h.Host.StopAsync();
        await h.WaitForLogAsync("[INFO] plugin/health: Going into lameduck mode for 3s", TimeSpan.FromSeconds(5));
        Assert.False(stop.IsCompleted);
        var reply = await RawDns.QueryUdpAsync(ep, DnsMessage.CreateQuery(DnsName.Parse("example.org."), DnsRecordType.A));
        Assert.NotNull(reply);
        Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
        Assert.Equal((200, "OK"), await Http.GetAsync(healthPort, "/health"));
        Assert.Equal((503, "Shutting down"), await Http.GetAsync(healthPort, "/ready"));
        Assert.False(stop.IsCompleted);
        await stop;
        DnsMessage? after;
        try
        {
            after = await RawDns.QueryUdpAsync(ep, DnsMessage.CreateQuery(DnsName.Parse("example.org."), DnsRecordType.A), 300);
        }
        catch (System.Net.Sockets.SocketException)
        {
            after = null;
        }
        Assert.Null(after);
        await h.DisposeAsync();
    }
}
