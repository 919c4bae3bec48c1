using System.Diagnostics;
using System.Text;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Log;

/// <summary>
/// Query logging: the first rule whose name covers the query writes one <c>[INFO]</c> line once the reply is out
/// (so its size and flags are the ones sent), if the reply's class is one the rule wants. Without a <c>log</c>
/// directive none of this runs.
/// </summary>
internal sealed partial class LogPlugin : IDnsPlugin
{
    private readonly LogOptions _options;
    private readonly ILogger _log;
    private readonly Action<DnsContext>[] _callbacks;

    [ThreadStatic]
    private static StringBuilder? t_line;

    public LogPlugin(LogOptions options, ILogger log)
    {
        _options = options;
        _log = log;
        _callbacks = new Action<DnsContext>[options.Rules.Count];
        for (var i = 0; i < _callbacks.Length; i++)
        {
            var rule = options.Rules[i];
            _callbacks[i] = ctx => Write(rule, ctx);
        }
    }

    public string Name => "log";

    internal LogOptions Options => _options;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var name = context.QueryName;
        var rules = _options.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            if (name.IsSubdomainOf(rules[i].NameScope))
            {
                context.OnCompleted(_callbacks[i]);
                break;
            }
        }
        return next(context);
    }

    private void Write(LogRule rule, DnsContext ctx)
    {
        if ((rule.Classes & LogClasses.All) == 0 && (rule.Classes & Classify(ctx)) == 0)
        {
            return;
        }
        if (!_log.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var sb = t_line ??= new StringBuilder(256);
        sb.Clear();
        rule.Format.Render(sb, ctx, Stopwatch.GetTimestamp());
        LogQuery(_log, sb.ToString());
    }

    /// <summary>CoreDNS's <c>response.Typify</c> then <c>Classify</c>, on the reply as the chain wrote it.</summary>
    internal static LogClasses Classify(DnsContext ctx)
    {
        var m = ctx.IsFailure ? null : ctx.Response;
        if (m is null)
        {
            return LogClasses.Error;
        }
        if (m.OpCode is OpCode.Update or OpCode.Notify)
        {
            return LogClasses.Error;
        }
        if (m.Questions.Count > 0 && m.Questions[0].Type is DnsRecordType.Axfr or DnsRecordType.Ixfr)
        {
            return LogClasses.Error;
        }
        var rcode = m.ResponseCode;
        if (m.Answers.Count > 0 && rcode == ResponseCode.NoError)
        {
            return LogClasses.Success;
        }
        var soa = false;
        foreach (var r in m.Authority)
        {
            if (r.Type == DnsRecordType.Soa)
            {
                soa = true;
                break;
            }
        }
        if (soa && rcode is ResponseCode.NoError or ResponseCode.NxDomain)
        {
            return LogClasses.Denial;
        }
        if (rcode is ResponseCode.ServFail or ResponseCode.NotImp)
        {
            return LogClasses.Error;
        }
        if (rcode == ResponseCode.NoError)
        {
            // A delegation (NS in authority) and a bare NOERROR both count as success.
            return LogClasses.Success;
        }
        return LogClasses.Error;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogQuery(ILogger logger, string line);
}
