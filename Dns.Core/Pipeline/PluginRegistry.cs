namespace Dns.Core.Pipeline;

/// <summary>The directives this build knows, each with its setup. A directive must also be in <see cref="PluginOrder"/>.</summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, IPluginSetup> _setups = new(StringComparer.Ordinal);

    /// <summary>Adds a directive.</summary>
    public PluginRegistry Register(IPluginSetup setup)
    {
        if (PluginOrder.IndexOf(setup.Name) < 0)
        {
            throw new InvalidOperationException($"directive '{setup.Name}' is not in PluginOrder.Directives");
        }
        _setups[setup.Name] = setup;
        return this;
    }

    /// <summary>True when the directive is registered.</summary>
    public bool Contains(string directive) => _setups.ContainsKey(directive);

    /// <summary>The setup of a directive.</summary>
    public IPluginSetup Get(string directive) => _setups[directive];

    /// <summary>Registered directives in execution order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var d in PluginOrder.Directives)
            {
                if (_setups.ContainsKey(d))
                {
                    yield return d;
                }
            }
        }
    }
}
