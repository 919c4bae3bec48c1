namespace Dns.Server.Plugins.Metrics;

/// <summary><c>prometheus [ADDRESS]</c>.</summary>
internal sealed record MetricsOptions(string Address)
{
    /// <summary>CoreDNS's default address.</summary>
    public const string DefaultAddress = "localhost:9153";
}
