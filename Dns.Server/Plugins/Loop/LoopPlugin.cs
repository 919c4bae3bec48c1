using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Loop;

/// <summary>
/// Counts the random HINFO probe for its zone; seeing it more than twice means our own query came back to us
/// through a forwarder: a loop, which is fatal (CoreDNS exits rather than serve a query of death). Disabled once the
/// probe has been answered, so afterwards it costs one type comparison per query.
/// </summary>
internal sealed partial class LoopPlugin : IDnsPlugin, IReplaySafe
{
    private readonly ILogger _log;
    private int _seen;
    private volatile bool _disabled;

    public LoopPlugin(string zone, DnsName probeName, ILogger log)
    {
        Zone = DnsName.Parse(zone);
        ProbeName = probeName;
        _log = log;
    }

    public string Name => "loop";

    /// <summary>First zone of the server block.</summary>
    public DnsName Zone { get; }

    /// <summary><c>&lt;random&gt;.&lt;random&gt;.zone.</c></summary>
    public DnsName ProbeName { get; }

    /// <summary>Where the probe is sent, as CoreDNS prints it (<c>:53</c>).</summary>
    public string Address { get; set; } = "";

    /// <summary>What to do on a loop (exit 1; injectable for tests).</summary>
    public Action<int> Exit { get; set; } = Environment.Exit;

    public int Seen => Volatile.Read(ref _seen);

    public bool Disabled => _disabled;

    public void Disable() => _disabled = true;

    /// <summary>A probe that failed to get an answer is not evidence of a loop: forget what was counted.</summary>
    public void Reset() => Interlocked.Exchange(ref _seen, 0);

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (context.QueryType != DnsRecordType.Hinfo || _disabled || !context.QueryName.IsSubdomainOf(Zone))
        {
            return next(context);
        }
        // Every probe must be seen here to count it.
        context.DisableReplay();
        if (context.QueryName.Equals(ProbeName))
        {
            if (Interlocked.Increment(ref _seen) > 2)
            {
                LogLoop(_log, context.RemoteEndPoint.ToString() ?? "", Address, Zone.LowerText, ProbeName.LowerText);
                Exit(1);
            }
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Loop ({Remote} -> {Address}) detected for zone \"{Zone}\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO {Query}\"")]
    private static partial void LogLoop(ILogger logger, string remote, string address, string zone, string query);
}
