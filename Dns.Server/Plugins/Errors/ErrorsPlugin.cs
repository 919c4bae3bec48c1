using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Errors;

/// <summary>
/// Logs the error the rest of the chain reported (<see cref="DnsContext.Error"/>) as
/// <c>[ERROR] plugin/errors: RCODE NAME TYPE: ERROR</c>, or counts it under the first matching <c>consolidate</c>
/// pattern and logs one summary per period. The response is never changed. The line is written once the reply
/// is out, so it follows the <c>log</c> line of the same query, as in CoreDNS where <c>log</c> runs inside
/// <c>errors</c>.
/// </summary>
internal sealed partial class ErrorsPlugin : IDnsPlugin, IReplaySafe
{
    private readonly ErrorsOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly PatternState[] _states;
    private readonly Action<DnsContext> _report;
    private int _stopped;

    public ErrorsPlugin(ErrorsOptions options, ILogger log, TimeProvider time)
    {
        _options = options;
        _log = log;
        _time = time;
        _states = new PatternState[options.Patterns.Count];
        for (var i = 0; i < _states.Length; i++)
        {
            _states[i] = new PatternState(options.Patterns[i]);
        }
        _report = Report;
    }

    public string Name => "errors";

    internal ErrorsOptions Options => _options;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (_options.Stacktrace)
        {
            return InvokeWithStacktraceAsync(context, next);
        }
        var vt = next(context);
        if (!vt.IsCompletedSuccessfully)
        {
            return AwaitAsync(vt, context);
        }
        if (context.Error is not null)
        {
            context.OnCompleted(_report);
        }
        return default;
    }

    private async ValueTask AwaitAsync(ValueTask vt, DnsContext context)
    {
        await vt.ConfigureAwait(false);
        if (context.Error is not null)
        {
            context.OnCompleted(_report);
        }
    }

    private async ValueTask InvokeWithStacktraceAsync(DnsContext context, DnsRequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The server recovers (SERVFAIL); with 'stacktrace' the trace of the panic is logged as well.
            LogStacktrace(_log, context.QueryName.LowerText, DnsRecordTypeText.ToText(context.QueryType), e.ToString());
            throw;
        }
        if (context.Error is not null)
        {
            context.OnCompleted(_report);
        }
    }

    private void Report(DnsContext context)
    {
        var error = context.Error;
        if (error is null)
        {
            return;
        }
        var rcode = (int)(context.Response?.ResponseCode ?? ResponseCode.ServFail);
        for (var i = 0; i < _states.Length; i++)
        {
            var state = _states[i];
            if (!state.Pattern.Pattern.IsMatch(error))
            {
                continue;
            }
            var first = Increment(state);
            if (first < 0)
            {
                break;
            }
            if (first == 1 && state.Pattern.ShowFirst)
            {
                LogError(_log, state.Pattern.Level, rcode, context.QueryName.LowerText, DnsRecordTypeText.ToText(context.QueryType), error);
            }
            return;
        }
        LogError(_log, LogLevel.Error, rcode, context.QueryName.LowerText, DnsRecordTypeText.ToText(context.QueryType), error);
    }

    /// <summary>Counts one error; returns the count so far in this period, or -1 when stopped (log it plainly).</summary>
    private int Increment(PatternState state)
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            return -1;
        }
        var n = Interlocked.Increment(ref state.Count);
        if (n == 1)
        {
            var timer = _time.CreateTimer(static s => ((Flush)s!).Run(), new Flush(this, state), state.Pattern.Period, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref state.Timer, timer)?.Dispose();
            if (Volatile.Read(ref _stopped) != 0)
            {
                FlushPattern(state);
            }
        }
        return n;
    }

    private void FlushPattern(PatternState state)
    {
        var count = Interlocked.Exchange(ref state.Count, 0);
        // With show_first a lone error was already logged in full.
        if (count > 1 || (count == 1 && !state.Pattern.ShowFirst))
        {
            LogConsolidated(_log, state.Pattern.Level, count, state.Pattern.Pattern.ToString(), GoDuration.Format(state.Pattern.Period));
        }
    }

    /// <summary>Logs what is pending and stops counting (server shutdown).</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        foreach (var s in _states)
        {
            Interlocked.Exchange(ref s.Timer, null)?.Dispose();
            FlushPattern(s);
        }
    }

    [LoggerMessage(Message = "{Rcode} {Name} {Type}: {Error}")]
    private static partial void LogError(ILogger logger, LogLevel level, int rcode, string name, string type, string error);

    [LoggerMessage(Message = "{Count} errors like '{Pattern}' occurred in last {Period}")]
    private static partial void LogConsolidated(ILogger logger, LogLevel level, int count, string pattern, string period);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovered from panic in server: \"{Name}\" {Type}: {Trace}")]
    private static partial void LogStacktrace(ILogger logger, string name, string type, string trace);

    private sealed class PatternState(ConsolidatePattern pattern)
    {
        public readonly ConsolidatePattern Pattern = pattern;
        public int Count;
        public ITimer? Timer;
    }

    private sealed class Flush(ErrorsPlugin owner, PatternState state)
    {
        public void Run()
        {
            Interlocked.Exchange(ref state.Timer, null)?.Dispose();
            owner.FlushPattern(state);
        }
    }
}
