using System.Net;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class ReloadEndToEndTests
{
    [Fact]
    public async Task Reload_CorefileEdited_PicksUpChangeWithoutDroppingQueries()
    {
        var file = Path.Combine(Path.GetTempPath(), $"Corefile-{Guid.NewGuid():N}");
        var original = "example.org:0 {\n    reload 2s 1s\n    health 127.0.0.1:0\n    whoami\n}\n";
        await File.WriteAllTextAsync(file, original);
        try
        {
            await using var server = await TestDnsServer.StartAsync(original, fileName: file);
            var ep = new IPEndPoint(IPAddress.Loopback, server.Port);
            var healthPort = server.Host.HttpPorts["127.0.0.1:0"];
            using var stop = new CancellationTokenSource();
            var unanswered = 0;
            var answered = 0;
            var load = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var r = await RawDns.QueryUdpAsync(ep, DnsMessage.CreateQuery(DnsName.Parse("a.example.org."), DnsRecordType.A), 1000);
                    if (r?.ResponseCode == ResponseCode.NoError)
                    {
                        Interlocked.Increment(ref answered);
                    }
                    else
                    {
                        Interlocked.Increment(ref unanswered);
                    }
                }
            });

            await File.WriteAllTextAsync(file, "example.org:0 example.net:0 {\n    reload 2s 1s\n    health 127.0.0.1:0\n    whoami\n}\n");
            await WaitForAsync(() => server.Log.Contains("[INFO] Reloading complete", StringComparison.Ordinal), TimeSpan.FromSeconds(15), () => server.Log);
            await stop.CancelAsync();
            await load;

            Assert.Equal(0, unanswered);
            Assert.True(answered > 0);
            Assert.Equal(server.Port, ep.Port);
            Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "a.example.net")).Status);
            Assert.Equal((200, "OK"), await HealthProcessRunner.GetAsync(healthPort, "/health"));
            Assert.Equal(2, CountOf(server.Log, "[INFO] plugin/reload: Running configuration SHA512 = "));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Reload_BrokenEdit_KeepsOldConfigAndLogsError()
    {
        var file = Path.Combine(Path.GetTempPath(), $"Corefile-{Guid.NewGuid():N}");
        var original = "example.org:0 {\n    reload 2s 1s\n    whoami\n}\n";
        await File.WriteAllTextAsync(file, original);
        try
        {
            await using var server = await TestDnsServer.StartAsync(original, fileName: file);
            await File.WriteAllTextAsync(file, "example.org:0 {\n    reload 2s 1s\n    whoami\n    nosuchplugin\n}\n");
            await WaitForAsync(() => server.Log.Contains("[ERROR] plugin/reload: Corefile changed but reload failed: ", StringComparison.Ordinal), TimeSpan.FromSeconds(15), () => server.Log);
            Assert.Contains("nosuchplugin", server.Log, StringComparison.Ordinal);
            Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "a.example.org")).Status);
            Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "+tcp", "a.example.org")).Status);
            Assert.DoesNotContain("Reloading complete", server.Log, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static int CountOf(string text, string fragment)
    {
        var n = 0;
        for (var i = text.IndexOf(fragment, StringComparison.Ordinal); i >= 0; i = text.IndexOf(fragment, i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, describe());
            await Task.Delay(50);
        }
    }
}
