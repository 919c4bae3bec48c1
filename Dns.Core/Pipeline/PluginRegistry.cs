namespace Dns.Core.Pipeline;

/// <summary>The directives this build knows, each with its setup. A directive must also be in <see cref="PluginOrder"/>.</summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, IPluginSetup> _setups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IPluginSetup>> _factories = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Adds a directive.</summary>
    public PluginRegistry Register(IPluginSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        CheckOrder(setup.Name);
        lock (_gate)
        {
            _setups[setup.Name] = setup;
        }
        return this;
    }

    /// <summary>
    /// Adds a directive whose setup is created the first time a Corefile uses it: a plugin in its own assembly then
    /// costs nothing (no assembly loaded, 0.2 MB resident or more) in a server that does not use it.
    /// </summary>
    public PluginRegistry Register(string directive, Func<IPluginSetup> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckOrder(directive);
        lock (_gate)
        {
            _factories[directive] = factory;
        }
        return this;
    }

    /// <summary>True when the directive is registered.</summary>
    public bool Contains(string directive)
    {
        lock (_gate)
        {
            return _setups.ContainsKey(directive) || _factories.ContainsKey(directive);
        }
    }

    /// <summary>The setup of a directive.</summary>
    public IPluginSetup Get(string directive)
    {
        lock (_gate)
        {
            if (_setups.TryGetValue(directive, out var setup))
            {
                return setup;
            }
            setup = _factories[directive]();
            if (setup.Name != directive)
            {
                throw new InvalidOperationException($"the setup registered for '{directive}' is for '{setup.Name}'");
            }
            _setups[directive] = setup;
            _factories.Remove(directive);
            return setup;
        }
    }

    private static void CheckOrder(string directive)
    {
        if (PluginOrder.IndexOf(directive) < 0)
        {
            throw new InvalidOperationException($"directive '{directive}' is not in PluginOrder.Directives");
        }
    }

    /// <summary>Registered directives in execution order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var d in PluginOrder.Directives)
            {
                if (Contains(d))
                {
                    yield return d;
                }
            }
        }
    }
}
