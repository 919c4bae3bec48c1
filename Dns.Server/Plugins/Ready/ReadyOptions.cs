namespace Dns.Server.Plugins.Ready;

/// <summary><c>ready [ADDRESS] { monitor until-ready|continuously }</c>.</summary>
internal sealed record ReadyOptions(string Address, bool Continuously)
{
    /// <summary>CoreDNS's default address.</summary>
    public const string DefaultAddress = ":8181";
}
