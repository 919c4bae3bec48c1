using System.Runtime.InteropServices;
using Dns.Core.Corefile;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>The process: flags, Corefile, start, then signals: SIGTERM/SIGINT stop (lameduck first), SIGQUIT or a second SIGINT stop at once, SIGUSR1 reloads.</summary>
internal static partial class ServerCommand
{
    /// <summary>SIGUSR1 on Linux (.NET has no named member for it; raw numbers are accepted on Unix).</summary>
    private const PosixSignal SigUsr1 = (PosixSignal)10;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        CommandLine cl;
        try
        {
            cl = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine(e.Message);
            stderr.Write(CommandLine.Usage);
            return 2;
        }
        if (cl.Version)
        {
            stdout.WriteLine("CoreDNS-" + DnsServerHost.CompatibleVersion);
            stdout.WriteLine($"linux/{(RuntimeInformation.OSArchitecture == Architecture.X64 ? "amd64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant())}, dotnet{Environment.Version}, Dns.Server");
            return 0;
        }
        var registry = BuiltinPlugins.Create();
        if (cl.Plugins)
        {
            stdout.WriteLine("Server types:");
            stdout.WriteLine("  dns");
            stdout.WriteLine();
            stdout.WriteLine("Caddyfile loaders:");
            stdout.WriteLine("  flag");
            stdout.WriteLine("  default");
            stdout.WriteLine();
            stdout.WriteLine("Other plugins:");
            foreach (var n in registry.Names)
            {
                stdout.WriteLine("  dns." + n);
            }
            return 0;
        }

        string text;
        string file;
        if (cl.Conf == "stdin")
        {
            text = stdin.ReadToEnd();
            file = "stdin";
        }
        else if (File.Exists(cl.Conf))
        {
            file = cl.Conf;
            text = File.ReadAllText(cl.Conf);
        }
        else if (cl.ConfGiven)
        {
            stderr.WriteLine($"[FATAL] open {cl.Conf}: no such file or directory");
            return 1;
        }
        else
        {
            file = "Corefile";
            text = ".:" + cl.DnsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + " {\n    whoami\n    log\n}\n";
        }

        // Our own factory over the one provider, not Microsoft.Extensions.Logging's LoggerFactory: that one filters
        // through Microsoft.Extensions.Options (and LoggerFactory.Create builds a dependency-injection container for
        // it, tens of milliseconds before the first answer); neither is loaded for what CoreDNS's format needs.
        using var loggerFactory = new CoreDnsLoggerFactory(new CoreDnsLoggerProvider(stdout, LogLevel.Information));
        var options = new DnsServerOptions
        {
            DefaultPort = cl.DnsPort,
            LoggerFactory = loggerFactory,
            Registry = registry,
            Quiet = cl.Quiet,
            Output = stdout,
            TrimMemoryAfterStart = true,
            YoungGenerationBudget = 4L << 20,
        };
        DnsServerHost host;
        try
        {
            host = DnsServerHost.Create(text, file, options);
            host.StartAsync().GetAwaiter().GetResult();
        }
        catch (CorefileException e)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine("[FATAL] " + e.Message);
            return 1;
        }
        if (cl.PidFile is not null)
        {
            try
            {
                File.WriteAllText(cl.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"[FATAL] Could not write pidfile: {e.Message}");
                host.StopAsync().GetAwaiter().GetResult();
                return 1;
            }
        }

        using var stop = new ManualResetEventSlim();
        var log = loggerFactory.CreateLogger("");
        // Caddy's signal handling: SIGTERM/SIGINT shut down gracefully (health's lameduck first), SIGUSR1 reloads
        // the Corefile whether or not it changed and whether or not the reload plugin is used.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            LogSignal(log, "SIGTERM: Shutting down servers then terminating");
            stop.Set();
        });
        // A second SIGINT, or SIGQUIT, stops at once: no lameduck.
        using var now = new CancellationTokenSource();
        var interrupts = 0;
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            if (Interlocked.Increment(ref interrupts) > 1)
            {
                LogSignal(log, "SIGINT: Force quit");
                now.Cancel();
            }
            else
            {
                LogSignal(log, "SIGINT: Shutting down");
            }
            stop.Set();
        });
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c =>
        {
            c.Cancel = true;
            LogSignal(log, "SIGQUIT: Quitting process");
            now.Cancel();
            stop.Set();
        });
        using var usr1 = OperatingSystem.IsLinux() ? PosixSignalRegistration.Create(SigUsr1, c =>
        {
            c.Cancel = true;
            LogSignal(log, "SIGUSR1: Reloading");
            _ = ReloadOnSignalAsync(host, log);
        }) : null;
        stop.Wait();
        host.StopAsync(now.Token).GetAwaiter().GetResult();
        if (cl.PidFile is not null)
        {
            try
            {
                File.Delete(cl.PidFile);
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    private static async Task ReloadOnSignalAsync(DnsServerHost host, ILogger log)
    {
        try
        {
            await host.ReloadAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogSignalError(log, "SIGUSR1: " + e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogSignal(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogSignalError(ILogger logger, string message);
}
