using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Whoami;

/// <summary><c>whoami</c> takes no arguments.</summary>
internal sealed class WhoamiSetup : IPluginSetup
{
    public string Name => "whoami";

    public void Setup(SetupContext context)
    {
        var d = context.Dispenser;
        while (d.Next())
        {
            if (d.NextArg())
            {
                throw d.ArgErr();
            }
        }
        context.AddPlugin(new WhoamiPlugin());
    }
}
