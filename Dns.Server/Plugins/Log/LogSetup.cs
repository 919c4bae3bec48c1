using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Log;

/// <summary>
/// <c>log [NAMES...] [FORMAT] { class CLASSES... }</c>, any number of times per block. With two or more arguments
/// the last one is the format when it contains <c>{</c> (<c>{common}</c> and <c>{combined}</c> are shortcuts);
/// a single argument is always a name.
/// </summary>
internal sealed class LogSetup : IPluginSetup
{
    /// <summary>Logger category of query lines: CoreDNS prints them without a plugin prefix.</summary>
    internal const string Category = "query";

    public string Name => "log";

    public void Setup(SetupContext context) =>
        context.AddPlugin(new LogPlugin(Parse(context.Dispenser), context.LoggerFactory.CreateLogger(Category)));

    internal static LogOptions Parse(CorefileDispenser d)
    {
        var rules = new List<LogRule>();
        while (d.Next())
        {
            var args = d.RemainingArgs();
            var names = new List<string>();
            var format = LogFormat.Common;
            switch (args.Count)
            {
                case 0:
                    names.Add(".");
                    break;
                case 1:
                    names.Add(args[0]);
                    break;
                default:
                    var last = args[^1];
                    if (last.Contains('{', StringComparison.Ordinal))
                    {
                        format = last switch
                        {
                            "{common}" => LogFormat.Common,
                            "{combined}" => LogFormat.Combined,
                            _ => last,
                        };
                        args.RemoveAt(args.Count - 1);
                    }
                    names.AddRange(args);
                    break;
            }
            var classes = LogClasses.None;
            while (d.NextBlock())
            {
                if (d.Val != "class")
                {
                    throw d.ArgErr();
                }
                var cls = d.RemainingArgs();
                if (cls.Count == 0)
                {
                    throw d.ArgErr();
                }
                foreach (var c in cls)
                {
                    classes |= c switch
                    {
                        "all" => LogClasses.All,
                        "success" => LogClasses.Success,
                        "denial" => LogClasses.Denial,
                        "error" => LogClasses.Error,
                        _ => throw d.Err($"invalid Class: {c}"),
                    };
                }
            }
            if (classes == LogClasses.None)
            {
                classes = LogClasses.All;
            }
            var parsed = LogFormat.Parse(format);
            foreach (var n in names)
            {
                var fqdn = n.EndsWith('.') ? n : n + ".";
                if (!DnsName.TryParse(fqdn, out var scope))
                {
                    throw d.Err($"invalid name '{n}'");
                }
                rules.Add(new LogRule(scope, parsed, classes));
            }
        }
        return new LogOptions(rules);
    }
}
