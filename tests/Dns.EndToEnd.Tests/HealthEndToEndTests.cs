using System.Text.RegularExpressions;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed partial class HealthEndToEndTests
{
    private const int SigTerm = 15;
    private const int SigUsr1 = 10;
    private const int SigQuit = 3;

    [Fact]
    public async Task HealthAndReady_OverHttp_AnswerOk()
    {
        await using var server = await TestDnsServer.StartAsync(".:0 {\n    health 127.0.0.1:0\n    ready 127.0.0.1:0\n    whoami\n}\n");
        var port = server.Host.HttpPorts["127.0.0.1:0"];
        Assert.Equal((200, "OK"), await HealthProcessRunner.GetAsync(port, "/health"));
        Assert.Equal((200, "OK"), await HealthProcessRunner.GetAsync(port, "/ready"));
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "example.org")).Status);
    }

    [Fact]
    public async Task Process_CorefileFromStdin_ServesAndLogsToStdout()
    {
        await using var p = await HealthProcessRunner.StartWithStdinAsync(".:0 {\n    whoami\n    log\n}\n");
        await p.WaitForOutputAsync("CoreDNS-", TimeSpan.FromSeconds(30));
        var port = int.Parse(PortLine().Match(p.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("NOERROR", (await Dig.RunAsync(port, "example.org")).Status);
        await p.WaitForOutputAsync("\"A IN example.org. udp", TimeSpan.FromSeconds(10));
        p.Signal(SigTerm);
        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("[INFO] SIGTERM: Shutting down servers then terminating", p.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_SigTerm_LameduckKeepsServingThenExitsZero()
    {
        var http = HealthProcessRunner.FreePort();
        var file = Path.Combine(Path.GetTempPath(), $"Corefile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, $".:0 {{\n    health 127.0.0.1:{http} {{\n        lameduck 4s\n    }}\n    ready 127.0.0.1:{http}\n    whoami\n}}\n");
        try
        {
            await using var p = HealthProcessRunner.Start(file);
            await p.WaitForOutputAsync("CoreDNS-", TimeSpan.FromSeconds(30));
            var port = int.Parse(PortLine().Match(p.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("NOERROR", (await Dig.RunAsync(port, "example.org")).Status);

            p.Signal(SigTerm);
            await p.WaitForOutputAsync("[INFO] plugin/health: Going into lameduck mode for 4s", TimeSpan.FromSeconds(10));
            Assert.Contains("[INFO] SIGTERM: Shutting down servers then terminating", p.Output, StringComparison.Ordinal);
            Assert.Equal("NOERROR", (await Dig.RunAsync(port, "+tcp", "example.org")).Status);
            Assert.Equal((200, "OK"), await HealthProcessRunner.GetAsync(http, "/health"));
            Assert.Equal(503, (await HealthProcessRunner.GetAsync(http, "/ready")).Status);
            Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Process_SigQuitDuringLameduck_StopsAtOnce()
    {
        var http = HealthProcessRunner.FreePort();
        var file = Path.Combine(Path.GetTempPath(), $"Corefile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, $".:0 {{\n    health 127.0.0.1:{http} {{\n        lameduck 60s\n    }}\n    whoami\n}}\n");
        try
        {
            await using var p = HealthProcessRunner.Start(file);
            await p.WaitForOutputAsync("CoreDNS-", TimeSpan.FromSeconds(30));
            p.Signal(SigTerm);
            await p.WaitForOutputAsync("[INFO] plugin/health: Going into lameduck mode for 1m0s", TimeSpan.FromSeconds(10));
            p.Signal(SigQuit);
            Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            Assert.Contains("[INFO] SIGQUIT: Quitting process", p.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Process_SigUsr1_ReloadsCorefile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"Corefile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, "example.org:0 {\n    whoami\n}\n");
        try
        {
            await using var p = HealthProcessRunner.Start(file);
            await p.WaitForOutputAsync("CoreDNS-", TimeSpan.FromSeconds(30));
            var port = int.Parse(PortLine().Match(p.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("REFUSED", (await Dig.RunAsync(port, "a.example.net")).Status);

            await File.WriteAllTextAsync(file, "example.org:0 example.net:0 {\n    whoami\n}\n");
            p.Signal(SigUsr1);
            await p.WaitForOutputAsync("[INFO] Reloading complete", TimeSpan.FromSeconds(10));
            Assert.Contains("[INFO] SIGUSR1: Reloading", p.Output, StringComparison.Ordinal);
            Assert.Equal("NOERROR", (await Dig.RunAsync(port, "a.example.net")).Status);

            await File.WriteAllTextAsync(file, "example.org:0 {\n    nosuchplugin\n}\n");
            p.Signal(SigUsr1);
            await p.WaitForOutputAsync("[ERROR] SIGUSR1: ", TimeSpan.FromSeconds(10));
            Assert.Equal("NOERROR", (await Dig.RunAsync(port, "a.example.net")).Status);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"^(?:example\.org\.|\.):(\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex PortLine();
}
