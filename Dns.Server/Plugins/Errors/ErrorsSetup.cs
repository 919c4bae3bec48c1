using System.Text.RegularExpressions;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Errors;

/// <summary>
/// <c>errors [stdout] { stacktrace; consolidate DURATION REGEXP [LEVEL] [show_first] }</c>, once per block.
/// </summary>
internal sealed class ErrorsSetup : IPluginSetup
{
    /// <summary>Longest REGEXP accepted, as in CoreDNS.</summary>
    internal const int MaxRegexLength = 10000;

    public string Name => "errors";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser);
        var plugin = new ErrorsPlugin(options, context.LoggerFactory.CreateLogger("plugin/errors"), context.Time);
        context.OnShutdown(_ =>
        {
            plugin.Stop();
            return Task.CompletedTask;
        });
        context.AddPlugin(plugin);
    }

    internal static ErrorsOptions Parse(CorefileDispenser d)
    {
        var stacktrace = false;
        var patterns = new List<ConsolidatePattern>();
        var i = 0;
        while (d.Next())
        {
            if (i++ > 0)
            {
                throw d.Err("this plugin can only be used once per Server Block");
            }
            var args = d.RemainingArgs();
            if (args.Count > 1)
            {
                throw d.ArgErr();
            }
            if (args.Count == 1 && args[0] != "stdout")
            {
                throw d.Err($"invalid log file: {args[0]}");
            }
            while (d.NextBlock())
            {
                switch (d.Val)
                {
                    case "stacktrace":
                        stacktrace = true;
                        break;
                    case "consolidate":
                        patterns.Add(ParseConsolidate(d));
                        break;
                    default:
                        throw d.SyntaxErr("Unknown field " + d.Val);
                }
            }
        }
        return new ErrorsOptions(stacktrace, patterns);
    }

    private static ConsolidatePattern ParseConsolidate(CorefileDispenser d)
    {
        var args = d.RemainingArgs();
        if (args.Count < 2 || args.Count > 4)
        {
            throw d.ArgErr();
        }
        if (!GoDuration.TryParse(args[0], out var period))
        {
            throw d.Err($"time: invalid duration \"{args[0]}\"");
        }
        if (args[1].Length > MaxRegexLength)
        {
            throw d.Err($"regex too long: {args[1].Length} > {MaxRegexLength}");
        }
        Regex re;
        try
        {
            re = Compile(args[1]);
        }
        catch (ArgumentException e)
        {
            throw d.Err(e.Message);
        }
        var level = LogLevel.Error;
        var showFirst = false;
        if (args.Count == 3)
        {
            if (args[2] == "show_first")
            {
                showFirst = true;
            }
            else
            {
                level = ParseLevel(d, args[2]);
            }
        }
        else if (args.Count == 4)
        {
            level = ParseLevel(d, args[2]);
            if (args[3] != "show_first")
            {
                throw d.Err($"expected 'show_first', got '{args[3]}'");
            }
            showFirst = true;
        }
        return new ConsolidatePattern(period, re, level, showFirst);
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            // Go's regexp is RE2: linear time, no backtracking. The non-backtracking engine keeps that promise.
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
    }

    private static LogLevel ParseLevel(CorefileDispenser d, string level) => level switch
    {
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        _ => throw d.Err($"unknown log level argument in consolidate: {level}"),
    };
}
