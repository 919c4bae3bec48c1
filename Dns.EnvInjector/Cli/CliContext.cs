using Dns.EnvInjector.Sources;

namespace Dns.EnvInjector.Cli;

/// <summary>What a command talks to: output streams and the source factory (replaced in tests).</summary>
internal sealed class CliContext
{
    /// <summary>Standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Where services come from.</summary>
    public required IClusterAccess Access { get; init; }

    /// <summary>Called once a webhook listens, with its port (tests use port 0).</summary>
    public Action<int>? WebhookStarted { get; init; }

    /// <summary>Writes a warning line on standard error.</summary>
    public void Warn(string message) => Error.WriteLine("Dns.EnvInjector: warning: " + message);
}
