using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Output;

namespace Dns.EnvInjector.Commands;

/// <summary><c>print</c>: writes the variables once in the chosen format.</summary>
internal static class PrintCommand
{
    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(CliOptions options, CliContext context, CancellationToken cancellationToken)
    {
        var snapshot = await context.Access.LoadOnceAsync(options.Source, options.Timeout, cancellationToken).ConfigureAwait(false);
        EnvComputation.WarnIfNamespaceMissing(snapshot, options, context);
        var vars = EnvComputation.Compute(snapshot, options);
        var text = EnvFormatter.Format(vars, options.Format,
            name => context.Warn("\"" + name + "\" is not a valid shell variable name; left out"));
        await context.Out.WriteAsync(text).ConfigureAwait(false);
        await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
