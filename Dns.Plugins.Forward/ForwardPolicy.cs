namespace Dns.Plugins.Forward;

/// <summary>Upstream selection order per query (<c>policy</c>).</summary>
public enum ForwardPolicy
{
    /// <summary>A random order per query (the default).</summary>
    Random,

    /// <summary>Rotates the starting upstream per query.</summary>
    RoundRobin,

    /// <summary>Always in the configured order.</summary>
    Sequential,
}
