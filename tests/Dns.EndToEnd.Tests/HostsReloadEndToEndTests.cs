using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class HostsReloadEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hosts-e2e").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Hosts_FileRelativeToCorefileChanged_NewAddressServedAfterReload()
    {
        var file = Path.Combine(_dir, "example.hosts");
        await File.WriteAllTextAsync(file, "10.0.0.1 www.example.org\n");
        await using var server = await TestDnsServer.StartAsync(
            "example.org:0 {\n    hosts example.hosts {\n        reload 100ms\n    }\n}\n", fileName: Path.Combine(_dir, "Corefile"));
        Assert.Equal(["www.example.org. 3600 IN A 10.0.0.1"], (await Dig.RunAsync(server.Port, "www.example.org", "A")).Section("ANSWER"));

        await File.WriteAllTextAsync(file, "10.0.0.2 www.example.org\n10.0.0.3 new.example.org\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IReadOnlyList<string> answer;
        do
        {
            // The reload timer is the event; dig polls until it has fired.
            await Task.Delay(50, cts.Token);
            answer = (await Dig.RunAsync(server.Port, "new.example.org", "A")).Section("ANSWER");
        }
        while (answer.Count == 0);
        Assert.Equal(["new.example.org. 3600 IN A 10.0.0.3"], answer);
        Assert.Equal(["www.example.org. 3600 IN A 10.0.0.2"], (await Dig.RunAsync(server.Port, "www.example.org", "A")).Section("ANSWER"));
    }

    [Fact]
    public async Task Hosts_SameQueryBytesAcrossReload_ReplayedReplyDropped()
    {
        // dig's random cookie makes every query new; identical bytes are what the server replays in wire form.
        var file = Path.Combine(_dir, "replay.hosts");
        await File.WriteAllTextAsync(file, "10.0.0.1 www.example.org\n");
        await using var server = await TestDnsServer.StartAsync(
            "example.org:0 {\n    hosts replay.hosts {\n        reload 100ms\n    }\n}\n", fileName: Path.Combine(_dir, "Corefile"));
        var query = DnsMessage.CreateQuery(DnsName.Parse("www.example.org."), DnsRecordType.A, 7);
        Assert.Equal("10.0.0.1", await AddressAsync(server, query));
        Assert.Equal("10.0.0.1", await AddressAsync(server, query));

        await File.WriteAllTextAsync(file, "10.0.0.2 www.example.org\n# changed\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await AddressAsync(server, query) != "10.0.0.2")
        {
            await Task.Delay(50, cts.Token);
        }
    }

    private static async Task<string> AddressAsync(TestDnsServer server, DnsMessage query)
    {
        var reply = await RawDns.QueryUdpAsync(server.EndPoint, query);
        Assert.NotNull(reply);
        return Assert.IsType<ARecord>(Assert.Single(reply.Answers)).Address.ToString();
    }
}
