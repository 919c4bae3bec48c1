using System.Globalization;
using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Bufsize;

/// <summary><c>bufsize [SIZE]</c>: 1232 by default, 512..4096 (RFC 6891 §6.2.5).</summary>
internal sealed class BufsizeSetup : IPluginSetup
{
    /// <summary>The DNS Flag Day 2020 value.</summary>
    internal const int DefaultSize = 1232;

    public string Name => "bufsize";

    public void Setup(SetupContext context)
    {
        var size = Parse(context.Dispenser);
        context.Config.MaxUdpSize = size;
        context.AddPlugin(new BufsizePlugin(size));
    }

    internal static int Parse(Core.Corefile.CorefileDispenser d)
    {
        while (d.Next())
        {
            var args = d.RemainingArgs();
            switch (args.Count)
            {
                case 0:
                    return DefaultSize;
                case 1:
                    if (!int.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size) || size < 512 || size > 4096)
                    {
                        throw d.ArgErr();
                    }
                    return size;
                default:
                    throw d.ArgErr();
            }
        }
        throw d.ArgErr();
    }
}
