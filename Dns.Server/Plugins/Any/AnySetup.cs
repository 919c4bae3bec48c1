using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Any;

/// <summary><c>any</c>: no arguments, no block.</summary>
internal sealed class AnySetup : IPluginSetup
{
    public string Name => "any";

    public void Setup(SetupContext context)
    {
        var d = context.Dispenser;
        d.Next();
        if (d.NextArg())
        {
            throw d.ArgErr();
        }
        if (d.NextBlock())
        {
            throw d.Err($"unknown property '{d.Val}'");
        }
        context.AddPlugin(new AnyPlugin());
    }
}
