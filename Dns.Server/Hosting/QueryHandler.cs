using System.Diagnostics;
using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// Turns request bytes into a reply for one listener: the accept rules of miekg/dns (drop responses and short
/// packets, NOTIMP for other opcodes, FORMERR for bad counts or bodies), BADVERS, class and zone routing, the
/// block's chain, and the reply's EDNS0 and size (CoreDNS's ScrubWriter). Transports call it; it knows no sockets.
/// </summary>
internal sealed partial class QueryHandler : IDnsResolver
{
    private const int MaxInternalDepth = 8;

    private readonly ZoneRouter<ServerBlockRuntime> _router;
    private readonly bool _chaosEnabled;
    private readonly string _serverLabel;
    private readonly ILogger _log;

    public QueryHandler(ZoneRouter<ServerBlockRuntime> router, bool chaosEnabled, string serverLabel, ILogger log)
    {
        _router = router;
        _chaosEnabled = chaosEnabled;
        _serverLabel = serverLabel;
        _log = log;
    }

    /// <summary>Listener label for metrics (<c>dns://:53</c>).</summary>
    public string ServerLabel => _serverLabel;

    /// <summary>Called for every query that did not enter a chain or that finished (metrics).</summary>
    public Action<DnsContext>? Observer { get; set; }

    /// <summary>The request metrics behind <see cref="Observer"/>, for replayed replies (null: not reported).</summary>
    public RequestMetrics? ReplayMetrics { get; set; }

    /// <summary>
    /// First step for a packet: null to drop it; otherwise a context whose <see cref="DnsContext.Response"/> is already
    /// set (an error decided here) or that must be run through <see cref="RunAsync"/>.
    /// </summary>
    public DnsContext? Accept(ReadOnlySpan<byte> packet, DnsTransport transport, EndPoint remote, EndPoint? local, out DnsRequestDelegate? chain)
    {
        chain = null;
        if (!DnsHeader.TryRead(packet, out var header) || header.IsResponse)
        {
            return null;
        }
        var start = Stopwatch.GetTimestamp();
        if (header.OpCode != OpCode.Query)
        {
            return HeaderOnly(header, ResponseCode.NotImp, transport, remote, local, packet.Length, start);
        }
        if (header.QuestionCount != 1 || header.AnswerCount > 1 || header.AuthorityCount > 1 || header.AdditionalCount > 2)
        {
            return HeaderOnly(header, ResponseCode.FormErr, transport, remote, local, packet.Length, start);
        }
        DnsMessage request;
        try
        {
            request = DnsMessageReader.Read(packet);
        }
        catch (DnsFormatException)
        {
            return HeaderOnly(header, ResponseCode.FormErr, transport, remote, local, packet.Length, start);
        }
        var ctx = new DnsContext(request, transport, remote, local)
        {
            RequestSize = packet.Length,
            StartTimestamp = start,
            Server = _serverLabel,
            Resolver = this,
            Zone = "dropped",
        };
        if (request.Opt is { Version: > 0 })
        {
            // RFC 6891 §6.1.3; CoreDNS edns.Version: question, OPT version 0, no other records.
            var r = request.CreateErrorResponse(ResponseCode.BadVers);
            r.Opt = new OptRecord { UdpPayloadSize = 0, Version = 0 };
            ctx.Response = r;
            ctx.Items[BadVersKey] = true;
            return ctx;
        }
        if (request.Question.Class != DnsClass.In && !(_chaosEnabled && request.Question.Class == DnsClass.Ch))
        {
            ctx.Response = request.CreateErrorResponse(ResponseCode.Refused);
            return ctx;
        }
        var block = _router.Match(request.Question.Name, out var zone);
        if (block is null)
        {
            ctx.Response = request.CreateErrorResponse(ResponseCode.Refused);
            return ctx;
        }
        ctx.Zone = zone;
        ctx.MaxUdpSize = block.Config.MaxUdpSize;
        // Replay keys on the request bytes, so only a request made of the question and at most an OPT qualifies.
        ctx.Replayable = block.ReplaySafe && transport == DnsTransport.Udp && header.AnswerCount == 0
            && header.AuthorityCount == 0 && header.AdditionalCount == (request.Opt is null ? 0 : 1);
        chain = block.Chain;
        return ctx;
    }

    internal const string BadVersKey = "server.badvers";

    /// <summary>Runs the chain; an exception becomes SERVFAIL with a log line (CoreDNS's recover).</summary>
    public ValueTask RunAsync(DnsContext ctx, DnsRequestDelegate chain)
    {
        ValueTask vt;
        try
        {
            vt = chain(ctx);
        }
        catch (Exception e)
        {
            Panic(ctx, e);
            return default;
        }
        if (vt.IsCompletedSuccessfully)
        {
            return default;
        }
        return AwaitChain(vt, ctx);
    }

    private async ValueTask AwaitChain(ValueTask vt, DnsContext ctx)
    {
        try
        {
            await vt.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Panic(ctx, e);
        }
    }

    private void Panic(DnsContext ctx, Exception e)
    {
        ServerMetrics.Panics.Inc();
        LogPanic(_log, ctx.QueryName.Text, DnsRecordTypeText.ToText(ctx.QueryType), e);
        ctx.Response = ctx.Request.CreateErrorResponse(ResponseCode.ServFail);
        ctx.ResponsePlugin = null;
    }

    /// <summary>
    /// Encodes the reply for the wire: the request's ID, EDNS0 as CoreDNS's SizeAndDo sets it (OPT only when the
    /// query had one: version 0, the client's size, DO copied, other flags and unknown options dropped), and truncation
    /// to <see cref="DnsContext.ResponseSizeLimit"/> with TC. Returns the length written.
    /// </summary>
    public static int Encode(DnsContext ctx, Span<byte> destination)
    {
        var response = ctx.Response ??= ctx.Request.CreateErrorResponse(ResponseCode.ServFail);
        OptRecord? opt = null;
        if (ctx.Items.Count > 0 && ctx.Items.ContainsKey(BadVersKey))
        {
            opt = response.Opt;
        }
        else if (ctx.Request.Opt is { } reqOpt)
        {
            opt = new OptRecord { UdpPayloadSize = reqOpt.UdpPayloadSize, Version = 0, DnssecOk = reqOpt.DnssecOk };
            if (response.Opt is { Options.Count: > 0 } given)
            {
                opt.Options.AddRange(given.Options);
            }
        }
        var limit = ctx.ResponseSizeLimit;
        var n = DnsMessageWriter.Write(response, destination, limit, ctx.Request.Id, opt);
        ctx.ResponseSize = n;
        // RFC 1035 §4.1.1: TC is bit 9 of the flags. Only a reply the writer cut gets its own (flag-only) copy.
        var truncated = (destination[2] & 0x02) != 0;
        ctx.WrittenResponse = truncated && !response.Truncated ? WithTruncated(response) : response;
        return n;
    }

    private static DnsMessage WithTruncated(DnsMessage response)
    {
        var copy = response.Clone();
        copy.Truncated = true;
        return copy;
    }

    /// <inheritdoc/>
    public async ValueTask<DnsMessage> ResolveAsync(DnsMessage query, DnsContext origin, CancellationToken cancellationToken = default)
    {
        if (origin.Depth >= MaxInternalDepth || query.Questions.Count != 1)
        {
            return query.CreateErrorResponse(ResponseCode.ServFail);
        }
        var ctx = new DnsContext(query, DnsTransport.Internal, origin.RemoteEndPoint, origin.LocalEndPoint)
        {
            Server = _serverLabel,
            Resolver = this,
            Depth = origin.Depth + 1,
            Aborted = cancellationToken,
            StartTimestamp = Stopwatch.GetTimestamp(),
        };
        var block = _router.Match(query.Question.Name, out var zone);
        if (block is null)
        {
            return query.CreateErrorResponse(ResponseCode.Refused);
        }
        ctx.Zone = zone;
        await RunAsync(ctx, block.Chain).ConfigureAwait(false);
        ctx.Response ??= query.CreateErrorResponse(ResponseCode.ServFail);
        ctx.WrittenResponse = ctx.Response;
        // Completion callbacks (log, errors) run for internal queries too, as CoreDNS logs them.
        ctx.Complete();
        return ctx.Response;
    }

    private static DnsContext HeaderOnly(DnsHeader header, ResponseCode code, DnsTransport transport, EndPoint remote, EndPoint? local, int size, long start)
    {
        // miekg/dns answers rejected messages with the request header turned into a reply: no sections, no OPT.
        var req = new DnsMessage
        {
            Id = header.Id,
            OpCode = header.OpCode,
            RecursionDesired = header.RecursionDesired,
            CheckingDisabled = header.CheckingDisabled,
        };
        var ctx = new DnsContext(req, transport, remote, local) { RequestSize = size, StartTimestamp = start, Zone = "dropped" };
        ctx.Response = new DnsMessage
        {
            Id = header.Id,
            IsResponse = true,
            OpCode = code == ResponseCode.NotImp ? header.OpCode : OpCode.Query,
            RecursionDesired = header.RecursionDesired,
            CheckingDisabled = header.CheckingDisabled,
            ResponseCode = code,
        };
        return ctx;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovered from panic in server: \"{Name}\" {Type}")]
    private static partial void LogPanic(ILogger logger, string name, string type, Exception exception);
}
