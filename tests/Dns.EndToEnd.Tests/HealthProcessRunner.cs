using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Dns.EndToEnd.Tests;

/// <summary>Runs the real server executable (signals, exit codes, stdout) and offers plain HTTP GETs.</summary>
internal sealed partial class HealthProcessRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();

    private HealthProcessRunner(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    /// <summary>Starts <c>Dns.Server -conf FILE</c> from the test's output folder.</summary>
    public static HealthProcessRunner Start(string corefilePath)
    {
        var dll = ServerDll();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("-conf");
        psi.ArgumentList.Add(corefilePath);
        return new HealthProcessRunner(Process.Start(psi) ?? throw new InvalidOperationException("could not start the server"));
    }

    /// <summary>Starts <c>Dns.Server -conf stdin</c> and writes <paramref name="corefile"/> to its standard input.</summary>
    public static async Task<HealthProcessRunner> StartWithStdinAsync(string corefile)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ServerDll());
        psi.ArgumentList.Add("-conf");
        psi.ArgumentList.Add("stdin");
        var runner = new HealthProcessRunner(Process.Start(psi) ?? throw new InvalidOperationException("could not start the server"));
        await runner._process.StandardInput.WriteAsync(corefile);
        runner._process.StandardInput.Close();
        return runner;
    }

    public async Task WaitForOutputAsync(string fragment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(fragment, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited && !Output.Contains(fragment, StringComparison.Ordinal))
            {
                await Task.Delay(100);
                Assert.Fail($"output never contained \"{fragment}\":\n{Output}");
            }
            await Task.Delay(20);
        }
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException("kill failed: " + Marshal.GetLastPInvokeError());
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>The server project's own build output (it has its deps.json; the copy in the test folder does not).</summary>
    private static string ServerDll()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        for (var dir = baseDir; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
            {
                return Path.Combine(dir.FullName, "Dns.Server", "bin", configuration, tfm, "Dns.Server.dll");
            }
        }
        throw new FileNotFoundException("Dns.Server.dll not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A TCP port free right now (for HTTP endpoints whose port a child process must be told).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<(int Status, string Body)> GetAsync(int port, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var resp = await client.GetAsync($"http://127.0.0.1:{port}{path}");
        return ((int)resp.StatusCode, await resp.Content.ReadAsStringAsync());
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_out)
        {
            _out.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
