namespace Dns.Core.Pipeline;

/// <summary>
/// Reads a directive's tokens from <see cref="SetupContext.Dispenser"/> (every use of it in the block) and adds
/// its plugin(s). Throws a <see cref="Corefile.CorefileException"/> (via the dispenser) for bad configuration.
/// </summary>
public interface IPluginSetup
{
    /// <summary>The directive name; must appear in <see cref="PluginOrder.Directives"/>.</summary>
    string Name { get; }

    /// <summary>Configures the directive for one server block.</summary>
    void Setup(SetupContext context);
}
