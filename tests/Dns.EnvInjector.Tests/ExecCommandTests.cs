using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

public sealed class ExecCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-exec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ServiceInfo[] Cluster(string webIP = "10.0.0.5") =>
    [
        Svc.Build("kubernetes", "default", "10.96.0.1", ("https", 443, "TCP")),
        Svc.Build("web", "app", webIP, ("http", 80, "TCP")),
    ];

    private static Dictionary<string, string> ParseEnv(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            map[entry[..eq]] = entry[(eq + 1)..];
        }
        return map;
    }

    [Fact]
    public async Task Exec_Env_SeesVariablesAndKeepsEnvironment()
    {
        var outFile = Path.Combine(_dir, "env");

        var (code, _, error) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("exec", "-n", "app", "--", "/bin/sh", "-c", "env -0 > \"$0\"", outFile);

        Assert.Equal(0, code);
        Assert.Empty(error);
        var env = ParseEnv(await File.ReadAllTextAsync(outFile));
        Assert.Equal("10.0.0.5", env["WEB_SERVICE_HOST"]);
        Assert.Equal("tcp://10.0.0.5:80", env["WEB_PORT"]);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT_HTTPS"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env["PATH"]);
    }

    [Fact]
    public async Task Exec_VariableAlreadySet_ExistingValueWins()
    {
        // A service name no other test uses, so setting the variable in this process disturbs nothing.
        const string Name = "EXEC_WINS_SERVICE_HOST";
        Environment.SetEnvironmentVariable(Name, "mine");
        try
        {
            var outFile = Path.Combine(_dir, "env");
            ServiceInfo[] cluster = [Svc.Build("exec-wins", "app", "10.0.0.7", ("", 1, "TCP"))];

            var (code, _, _) = await new CliHarness(new StaticClusterSource(cluster)).RunAsync("exec", "-n", "app", "--", "/bin/sh", "-c", "env -0 > \"$0\"", outFile);

            Assert.Equal(0, code);
            var env = ParseEnv(await File.ReadAllTextAsync(outFile));
            Assert.Equal("mine", env[Name]);
            Assert.Equal("10.0.0.7", env["EXEC_WINS_PORT_1_TCP_ADDR"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Name, null);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(255)]
    public async Task Exec_ExitCode_PassedThrough(int exitCode)
    {
        var (code, _, _) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("exec", "--", "/bin/sh", "-c", "exit " + exitCode);

        Assert.Equal(exitCode, code);
    }

    [Fact]
    public async Task Exec_KilledBySignal_ExitsWith128PlusSignal()
    {
        var (code, _, _) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("exec", "--", "/bin/sh", "-c", "kill -TERM $$");

        Assert.Equal(128 + 15, code);
    }

    [Fact]
    public async Task Exec_CommandNotFound_Exit127()
    {
        var (code, _, error) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("exec", "--", "/nonexistent/command");

        Assert.Equal(127, code);
        Assert.Contains("cannot run \"/nonexistent/command\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_CommandNotExecutable_Exit126()
    {
        var file = Path.Combine(_dir, "plain.txt");
        await File.WriteAllTextAsync(file, "not a program");

        var (code, _, _) = await new CliHarness(new StaticClusterSource(Cluster())).RunAsync("exec", "--", file);

        Assert.Equal(126, code);
    }

    [Fact]
    public async Task Exec_Watch_RestartsWithNewVariables()
    {
        var log = Path.Combine(_dir, "log");
        var source = new StaticClusterSource(Cluster("10.0.0.5"));
        // First run: record the address and wait to be stopped; second run (new address): record and exit 3.
        var script = "echo \"$WEB_SERVICE_HOST\" >> \"$0\"; if [ \"$WEB_SERVICE_HOST\" = 10.0.0.6 ]; then exit 3; fi; exec sleep 60";

        var run = new CliHarness(source).RunAsync("exec", "-n", "app", "--watch", "--", "/bin/sh", "-c", script, log);
        await WaitForLinesAsync(log, 1);
        source.Set(Cluster("10.0.0.5"));   // no change in the variables: no restart
        source.Set(Cluster("10.0.0.6"));
        var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, code);
        Assert.Equal(["10.0.0.5", "10.0.0.6"], await File.ReadAllLinesAsync(log));
        Assert.Equal("Dns.EnvInjector: service variables changed; restarting the command\n", error);
    }

    [Fact]
    public async Task Exec_WatchUnrelatedChange_DoesNotRestart()
    {
        var log = Path.Combine(_dir, "log");
        var gate = Path.Combine(_dir, "gate");
        var source = new StaticClusterSource(Cluster());
        // Runs until the gate file appears, then exits 5; a restart would add a second line.
        var script = "echo run >> \"$0\"; while [ ! -e \"$1\" ]; do sleep 0.05; done; exit 5";

        var run = new CliHarness(source).RunAsync("exec", "-n", "app", "--watch", "--", "/bin/sh", "-c", script, log, gate);
        await WaitForLinesAsync(log, 1);
        source.Set([.. Cluster(), Svc.Build("elsewhere", "other", "10.1.0.1", ("", 9, "TCP"))]);
        await File.WriteAllTextAsync(gate, "");
        var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(5, code);
        Assert.Equal(["run"], await File.ReadAllLinesAsync(log));
        Assert.Empty(error);
    }

    /// <summary>Waits for the child process to write its line (an external process: nothing to await but the file).</summary>
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
