using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes;

/// <summary>Log lines of the kubernetes plugin (CoreDNS wording).</summary>
internal static partial class KubernetesLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "waiting for Kubernetes API before starting server")]
    public static partial void WaitingForApi(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "starting server with unsynced Kubernetes API")]
    public static partial void StartingUnsynced(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "upstream lookup of {Target} failed")]
    public static partial void UpstreamFailed(ILogger logger, string target, Exception exception);
}
