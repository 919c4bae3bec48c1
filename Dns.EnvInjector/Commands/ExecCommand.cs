using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Rules;
using Dns.EnvInjector.Sources;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Commands;

/// <summary>
/// <c>exec</c>: runs a command with the variables added to the current environment (a variable already set wins, as
/// a container's own <c>env</c> wins with the kubelet) and exits with the command's exit code. SIGTERM and SIGHUP are
/// forwarded to the command; SIGINT is not, because the command shares our process group and gets Ctrl-C itself.
/// With <c>--watch</c> the command is restarted (SIGTERM, then SIGKILL after a grace period) when the variables change.
/// </summary>
internal static partial class ExecCommand
{
    private const int SigHup = 1;
    private const int SigTerm = 15;

    /// <summary>How long a command gets to exit after SIGTERM before it is killed on a restart.</summary>
    internal static TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(CliOptions options, CliContext context, CancellationToken cancellationToken)
    {
        var runner = new Runner(options.CommandLine);
        if (!options.Watch)
        {
            var snapshot = await context.Access.LoadOnceAsync(options.Source, options.Timeout, cancellationToken).ConfigureAwait(false);
            EnvComputation.WarnIfNamespaceMissing(snapshot, options, context);
            using var signals = runner.HandleSignals();
            return await runner.RunOnceAsync(EnvComputation.Compute(snapshot, options)).ConfigureAwait(false);
        }
        var source = await ServiceSource.FollowAsync(context.Access, options.Source, options.Timeout, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            EnvComputation.WarnIfNamespaceMissing(source.Current, options, context);
            using var signals = runner.HandleSignals();
            return await WatchAsync(runner, source, options, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> WatchAsync(Runner runner, IClusterSource source, CliOptions options, CliContext context, CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<bool>();
        void OnChanged(ClusterSnapshot _) => changes.Writer.TryWrite(true);
        source.Changed += OnChanged;
        try
        {
            var vars = EnvComputation.Compute(source.Current, options);
            Task<bool>? pendingChange = null;
            while (true)
            {
                var child = runner.Start(vars);
                var exited = child.WaitForExitAsync(CancellationToken.None);
                while (true)
                {
                    pendingChange ??= changes.Reader.WaitToReadAsync(cancellationToken).AsTask();
                    var done = await Task.WhenAny(exited, pendingChange).ConfigureAwait(false);
                    if (done == exited)
                    {
                        return runner.Finish(child);
                    }
                    pendingChange = null;
                    while (changes.Reader.TryRead(out _))
                    {
                    }
                    var next = EnvComputation.Compute(source.Current, options);
                    if (EnvComputation.SameVars(vars, next) || runner.Stopping)
                    {
                        continue;
                    }
                    await context.Error.WriteLineAsync("Dns.EnvInjector: service variables changed; restarting the command").ConfigureAwait(false);
                    vars = next;
                    await runner.StopAsync(child, exited).ConfigureAwait(false);
                    if (runner.Stopping)
                    {
                        // A forwarded SIGTERM raced with the restart: exit instead of starting again.
                        return runner.Finish(child);
                    }
                    child.Dispose();
                    break;
                }
            }
        }
        finally
        {
            source.Changed -= OnChanged;
        }
    }

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in registrations)
            {
                r.Dispose();
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    private sealed class Runner(IReadOnlyList<string> commandLine)
    {
        private volatile Process? _child;

        public bool Stopping { get; private set; }

        public IDisposable HandleSignals() => new Registrations(
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Forward(c, SigTerm)),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => Forward(c, SigHup)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true),
        ]);

        public async Task<int> RunOnceAsync(IReadOnlyList<EnvVar> vars)
        {
            using var child = Start(vars);
            await child.WaitForExitAsync().ConfigureAwait(false);
            return Finish(child);
        }

        public Process Start(IReadOnlyList<EnvVar> vars)
        {
            var psi = new ProcessStartInfo(commandLine[0]) { UseShellExecute = false };
            for (var i = 1; i < commandLine.Count; i++)
            {
                psi.ArgumentList.Add(commandLine[i]);
            }
            foreach (var v in vars)
            {
                // psi.Environment starts as a copy of ours: variables already set keep their value.
                psi.Environment.TryAdd(v.Name, v.Value);
            }
            try
            {
                var p = Process.Start(psi) ?? throw new CliException("cannot start \"" + commandLine[0] + "\"", 126);
                _child = p;
                return p;
            }
            catch (Win32Exception e)
            {
                // Shell conventions: 127 for a command that does not exist, 126 for one that cannot run.
                var code = e.NativeErrorCode == 2 ? 127 : 126;
                throw new CliException("cannot run \"" + commandLine[0] + "\": " + e.Message, code, e);
            }
        }

        public int Finish(Process child)
        {
            _child = null;
            return child.ExitCode;
        }

        public void Forward(PosixSignalContext context, int signal)
        {
            var child = _child;
            if (child is null)
            {
                return;
            }
            context.Cancel = true;
            if (signal == SigTerm)
            {
                Stopping = true;
            }
            _ = kill(child.Id, signal);
        }

        public async Task StopAsync(Process child, Task exited)
        {
            _ = kill(child.Id, SigTerm);
            if (await Task.WhenAny(exited, Task.Delay(StopGracePeriod)).ConfigureAwait(false) != exited)
            {
                child.Kill(entireProcessTree: true);
                await exited.ConfigureAwait(false);
            }
        }
    }
}
