using Dns.EnvInjector.Commands;

namespace Dns.EnvInjector.Cli;

/// <summary>Parses the command line, runs the command and turns expected failures into messages and exit codes.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var options = CliParser.Parse(args);
            return options.Command switch
            {
                "print" => await PrintCommand.RunAsync(options, context, cancellationToken).ConfigureAwait(false),
                "exec" => await ExecCommand.RunAsync(options, context, cancellationToken).ConfigureAwait(false),
                _ => await WebhookCommand.RunAsync(options, context, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (CliException e) when (e.ExitCode == 0)
        {
            await context.Out.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 0;
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync("Dns.EnvInjector: error: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
    }
}
