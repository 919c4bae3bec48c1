namespace Dns.Core.Pipeline;

/// <summary>Composes the plugins of one server block into a single delegate, in <see cref="PluginOrder"/>.</summary>
public sealed class DnsPipelineBuilder
{
    private readonly List<Registration> _plugins = [];

    /// <summary>Plugins added so far, in execution order.</summary>
    public IReadOnlyList<IDnsPlugin> Plugins
    {
        get
        {
            var sorted = new List<Registration>(_plugins);
            sorted.Sort(static (a, b) => a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Seq.CompareTo(b.Seq));
            var list = new List<IDnsPlugin>(sorted.Count);
            foreach (var p in sorted)
            {
                list.Add(p.Plugin);
            }
            return list;
        }
    }

    /// <summary>Adds a plugin; its position comes from <paramref name="directive"/> (several from one directive keep their order).</summary>
    public void Add(string directive, IDnsPlugin plugin)
    {
        var order = PluginOrder.IndexOf(directive);
        if (order < 0)
        {
            throw new InvalidOperationException($"directive '{directive}' is not in PluginOrder.Directives");
        }
        _plugins.Add(new Registration(order, _plugins.Count, plugin));
    }

    /// <summary>
    /// The composed chain. The end of the chain answers SERVFAIL ("no next plugin found"). The plugin that set the
    /// response is recorded in <see cref="DnsContext.ResponsePlugin"/>.
    /// </summary>
    public DnsRequestDelegate Build()
    {
        var plugins = Plugins;
        DnsRequestDelegate next = EndOfChain(plugins.Count > 0 ? plugins[^1].Name : "server");
        for (var i = plugins.Count - 1; i >= 0; i--)
        {
            next = Compose(plugins[i], next);
        }
        return next;
    }

    private static DnsRequestDelegate EndOfChain(string last) => ctx =>
    {
        ctx.Fail(Protocol.ResponseCode.ServFail, $"plugin/{last}: no next plugin found");
        return default;
    };

    private static DnsRequestDelegate Compose(IDnsPlugin plugin, DnsRequestDelegate next) => ctx =>
    {
        var vt = plugin.InvokeAsync(ctx, next);
        if (vt.IsCompletedSuccessfully)
        {
            if (ctx.ResponsePlugin is null && ctx.Response is not null)
            {
                ctx.ResponsePlugin = plugin.Name;
            }
            return default;
        }
        return Await(vt, ctx, plugin);
    };

    private static async ValueTask Await(ValueTask vt, DnsContext ctx, IDnsPlugin plugin)
    {
        await vt.ConfigureAwait(false);
        if (ctx.ResponsePlugin is null && ctx.Response is not null)
        {
            ctx.ResponsePlugin = plugin.Name;
        }
    }

    /// <summary>A plugin with its place (a class, so the list and its sort use the framework's precompiled code).</summary>
    private sealed record Registration(int Order, int Seq, IDnsPlugin Plugin);
}
