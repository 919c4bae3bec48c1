namespace Dns.EnvInjector.Cli;

/// <summary>An expected failure with a message for the user; <see cref="ExitCode"/> 2 means a usage error.</summary>
internal sealed class CliException(string message, int exitCode = 1, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
