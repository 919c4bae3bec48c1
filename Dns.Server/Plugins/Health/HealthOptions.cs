namespace Dns.Server.Plugins.Health;

/// <summary><c>health [ADDRESS] { lameduck DURATION }</c>.</summary>
internal sealed record HealthOptions(string Address, TimeSpan Lameduck)
{
    /// <summary>CoreDNS's default address.</summary>
    public const string DefaultAddress = ":8080";
}
