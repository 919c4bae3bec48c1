using System.Diagnostics;
using Dns.Testing.FakeKubeApi;

namespace Dns.EnvInjector.Tests;

/// <summary>The real executable (<c>dotnet Dns.EnvInjector.dll</c>) and the following sources (manifest reloads, API watches).</summary>
public sealed class EndToEndTests : IDisposable
{
    private static readonly string Exe = Path.Combine(AppContext.BaseDirectory, "Dns.EnvInjector.dll");
    private static readonly string ClusterYaml = Path.Combine(AppContext.BaseDirectory, "data", "cluster.yaml");
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunExeAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Exe, .. args]);

    [Fact]
    public async Task Exe_PrintShell_EvalsToSameValuesAsExecEnv()
    {
        var (printCode, shell, printErr) = await RunExeAsync("print", "--manifests", ClusterYaml, "-n", "app", "--format", "shell");
        Assert.Equal(0, printCode);
        Assert.Empty(printErr);

        var viaShell = await ProcessRunner.RunAsync("/bin/sh", ["-c", shell + "env"], new Dictionary<string, string>());
        var viaExec = await RunExeAsync("exec", "--manifests", ClusterYaml, "-n", "app", "--", "env");

        Assert.Equal(0, viaExec.ExitCode);
        var expected = RealSourceTests.AppNamespaceEnv.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, ServiceLines(viaShell.Stdout));
        Assert.Equal(expected, ServiceLines(viaExec.Stdout));
    }

    [Fact]
    public async Task Exe_ExecExitCode_PassedThrough()
    {
        var (code, stdout, _) = await RunExeAsync("exec", "--manifests", ClusterYaml, "--", "/bin/sh", "-c", "echo $KUBERNETES_SERVICE_HOST; exit 42");

        Assert.Equal(42, code);
        Assert.Equal("10.96.0.1\n", stdout);
    }

    [Fact]
    public async Task Exe_ExistingVariable_Wins()
    {
        var (code, stdout, _) = await ProcessRunner.RunAsync("dotnet", [Exe, "exec", "--manifests", ClusterYaml, "--", "/bin/sh", "-c", "echo $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT"],
            new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "override.example" });

        Assert.Equal(0, code);
        Assert.Equal("override.example 443\n", stdout);
    }

    [Fact]
    public async Task Exe_Sigterm_ForwardedToCommand()
    {
        var ready = Path.Combine(_dir, "ready");
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Exe, "exec", "--manifests", ClusterYaml, "--", "/bin/sh", "-c", "trap 'echo got-term; exit 9' TERM; touch \"$0\"; while :; do sleep 0.05; done", ready })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(ready))
        {
            Assert.True(DateTime.UtcNow < deadline, "command did not start: " + (p.HasExited ? await p.StandardError.ReadToEndAsync() : ""));
            await Task.Delay(20);
        }

        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(9, p.ExitCode);
        Assert.Equal("got-term\n", await stdout);
    }

    [Fact]
    public async Task ExecWatch_ManifestEdited_CommandRestartedWithNewValues()
    {
        var manifest = Path.Combine(_dir, "cluster.yaml");
        await File.WriteAllTextAsync(manifest, await File.ReadAllTextAsync(ClusterYaml));
        var log = Path.Combine(_dir, "log");
        var script = "echo \"$API_SERVICE_HOST\" >> \"$0\"; if [ \"$API_SERVICE_HOST\" = 10.96.10.77 ]; then exit 4; fi; exec sleep 60";

        var run = CliHarness.Real().RunAsync("exec", "--manifests", manifest, "-n", "app", "--watch", "--", "/bin/sh", "-c", script, log);
        await WaitForLinesAsync(log, 1);
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(ClusterYaml)).Replace("10.96.10.21", "10.96.10.77", StringComparison.Ordinal));
        var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, code);
        Assert.Equal(["10.96.10.21", "10.96.10.77"], await File.ReadAllLinesAsync(log));
        Assert.Contains("restarting the command", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecWatch_ApiServiceChanged_CommandRestarted()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(RealSourceTests.Namespace("default"));
        api.Add(RealSourceTests.Namespace("app"));
        api.Add(RealSourceTests.Service("default", "kubernetes", "10.96.0.1", ("https", 443, "TCP")));
        var log = Path.Combine(_dir, "log");
        var script = "echo \"${WEB_SERVICE_HOST:-none}\" >> \"$0\"; if [ -n \"$WEB_SERVICE_HOST\" ]; then exit 6; fi; exec sleep 60";

        var run = CliHarness.Real().RunAsync("exec", "--server", api.Url, "-n", "app", "--watch", "--", "/bin/sh", "-c", script, log);
        await WaitForLinesAsync(log, 1);
        api.Add(RealSourceTests.Service("app", "web", "10.0.0.5", ("http", 80, "TCP")));
        var (code, _, _) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(6, code);
        Assert.Equal(["none", "10.0.0.5"], await File.ReadAllLinesAsync(log));
    }

    private static string[] ServiceLines(string envOutput) =>
        [.. envOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains("_SERVICE_", StringComparison.Ordinal) || l.Contains("_PORT", StringComparison.Ordinal))
            .Where(l => char.IsAsciiLetterUpper(l[0]) && !l.StartsWith("PWD=", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static async Task WaitForLinesAsync(string path, int lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(path) || (await File.ReadAllLinesAsync(path)).Length < lines)
        {
            Assert.True(DateTime.UtcNow < deadline, "the command did not start");
            await Task.Delay(20);
        }
    }
}
