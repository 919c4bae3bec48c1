using System.Net;
using Dns.Core.Metrics;
using Dns.Core.Protocol;

namespace Dns.Core.Pipeline;

/// <summary>One query on its way through a plugin chain.</summary>
public sealed class DnsContext
{
    private Dictionary<string, object?>? _items;
    private List<Action<DnsContext>>? _completed;
    private List<Counter>? _replayCounters;
    private DnsMessage? _response;

    /// <summary>Creates the context for a parsed request.</summary>
    public DnsContext(DnsMessage request, DnsTransport transport, EndPoint remoteEndPoint, EndPoint? localEndPoint = null)
    {
        Request = request;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>The query (plugins such as <c>bufsize</c> may adjust its OPT record).</summary>
    public DnsMessage Request { get; }

    /// <summary>The (single) question.</summary>
    public DnsQuestion Question => Request.Questions[0];

    /// <summary>The query name with the client's spelling.</summary>
    public DnsName QueryName => Request.Questions[0].Name;

    /// <summary>The query type.</summary>
    public DnsRecordType QueryType => Request.Questions[0].Type;

    /// <summary>UDP, TCP, ...</summary>
    public DnsTransport Transport { get; }

    /// <summary>The client's address and port.</summary>
    public EndPoint RemoteEndPoint { get; }

    /// <summary>The local address the query arrived on, when known.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>The client's IP address.</summary>
    public IPAddress RemoteAddress => (RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;

    /// <summary>The client's port.</summary>
    public int RemotePort => (RemoteEndPoint as IPEndPoint)?.Port ?? 0;

    /// <summary>The reply, once a plugin has written one.</summary>
    public DnsMessage? Response
    {
        get => _response;
        set
        {
            _response = value;
            IsFailure = false;
        }
    }

    /// <summary>
    /// True when <see cref="Response"/> was made by <see cref="Fail"/>: CoreDNS's "rcode returned, nothing written"
    /// (the server writes the bare error reply; <c>log</c> records it as not written).
    /// </summary>
    public bool IsFailure { get; private set; }

    /// <summary>Name of the plugin that wrote <see cref="Response"/> (the <c>plugin</c> label of <c>coredns_dns_responses_total</c>).</summary>
    public string? ResponsePlugin { get; set; }

    /// <summary>Why the query failed, for the <c>errors</c> plugin (<c>plugin/forward: ...</c>).</summary>
    public string? Error { get; set; }

    /// <summary>The server block zone that matched (<c>.</c>, <c>example.org.</c>).</summary>
    public string Zone { get; set; } = ".";

    /// <summary>The listener, as CoreDNS's <c>server</c> metric label (<c>dns://:53</c>).</summary>
    public string Server { get; set; } = "";

    /// <summary>Largest UDP reply the server allows (1232 unless <c>bufsize</c> sets it).</summary>
    public int MaxUdpSize { get; set; } = 1232;

    /// <summary>Size of the request on the wire.</summary>
    public int RequestSize { get; set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of arrival.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>Resolves a query through the whole server.</summary>
    public IDnsResolver? Resolver { get; set; }

    /// <summary>Depth of internal (re-)resolution, to stop loops.</summary>
    public int Depth { get; set; }

    /// <summary>Cancelled when the client is gone or the server stops.</summary>
    public CancellationToken Aborted { get; set; }

    /// <summary>Per-query values shared between plugins (metadata).</summary>
    public Dictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>
    /// The largest reply this client accepts: TCP 65535; UDP 512 without EDNS0, else its EDNS0 size clamped to
    /// [512, <see cref="MaxUdpSize"/>] (RFC 6891 §6.2.5).
    /// </summary>
    public int ResponseSizeLimit
    {
        get
        {
            if (Transport != DnsTransport.Udp)
            {
                return DnsMessageWriter.MaxMessageSize;
            }
            var opt = Request.Opt;
            if (opt is null)
            {
                return 512;
            }
            return Math.Clamp((int)opt.UdpPayloadSize, 512, Math.Max(512, MaxUdpSize));
        }
    }

    /// <summary>Size of the reply on the wire, set by the transport once it is written (0 before).</summary>
    public int ResponseSize { get; set; }

    /// <summary>The reply as written (after truncation), set by the transport before completion callbacks run.</summary>
    public DnsMessage? WrittenResponse { get; set; }

    /// <summary>
    /// Whether the reply may be kept in wire form and replayed for the same request bytes (<see cref="IReplaySafe"/>).
    /// The server sets it for UDP queries to blocks whose every plugin is replay-safe; plugins can only clear it
    /// (<see cref="DisableReplay"/>).
    /// </summary>
    public bool Replayable { get; internal set; }

    /// <summary>Counters a replay of this reply must increment, as the chain did (<see cref="CountOnReplay"/>).</summary>
    public IReadOnlyList<Counter>? ReplayCounters => _replayCounters;

    /// <summary>Whether completion callbacks are registered (a reply with side effects at completion is not replayed).</summary>
    public bool HasCompletionCallbacks => _completed is { Count: > 0 };

    /// <summary>The clock of <see cref="ReplayUntilTicks"/>; null when the reply does not age.</summary>
    public TimeProvider? ReplayClock { get; private set; }

    /// <summary>UTC ticks (of <see cref="ReplayClock"/>) from which the reply may no longer be replayed.</summary>
    public long ReplayUntilTicks { get; private set; } = long.MaxValue;

    /// <summary>
    /// The reply may be replayed only before <paramref name="untilUtcTicks"/> on <paramref name="clock"/> (a cached reply
    /// whose TTLs fall by one every second). Several limits keep the earliest; two different clocks disable replay.
    /// </summary>
    public void LimitReplay(TimeProvider clock, long untilUtcTicks)
    {
        if (ReplayClock is not null && !ReferenceEquals(ReplayClock, clock))
        {
            DisableReplay();
            return;
        }
        ReplayClock = clock;
        ReplayUntilTicks = Math.Min(ReplayUntilTicks, untilUtcTicks);
    }

    /// <summary>Sections whose A/AAAA records a replay puts in a fresh random order (<c>loadbalance</c>).</summary>
    public ReplaySections ShuffleOnReplay { get; private set; }

    /// <summary>
    /// The reply's order of A/AAAA records in <paramref name="sections"/> is drawn at random per reply: a replay
    /// shuffles them again (their records must be contiguous in each section, as <c>loadbalance</c> leaves them).
    /// </summary>
    public void ShuffleAddressesOnReplay(ReplaySections sections) => ShuffleOnReplay |= sections;

    /// <summary>This reply depends on more than the request bytes and the <see cref="ReplayEpoch"/>: never replay it.</summary>
    public void DisableReplay() => Replayable = false;

    /// <summary>Records that a plugin incremented <paramref name="counter"/> for this query, so a replay does too.</summary>
    public void CountOnReplay(Counter counter)
    {
        if (Replayable)
        {
            (_replayCounters ??= new List<Counter>(2)).Add(counter);
        }
    }

    /// <summary>Runs <paramref name="callback"/> after the reply has been written (<c>log</c>, metrics need its size).</summary>
    public void OnCompleted(Action<DnsContext> callback) => (_completed ??= []).Add(callback);

    /// <summary>Runs the completion callbacks; called once by the transport.</summary>
    public void Complete()
    {
        if (_completed is null)
        {
            return;
        }
        foreach (var c in _completed)
        {
            c(this);
        }
        _completed = null;
    }

    /// <summary>Answers with a bare reply carrying <paramref name="code"/>; <paramref name="reason"/> goes to the errors log.</summary>
    public void Fail(ResponseCode code, string? reason = null)
    {
        Response = Request.CreateErrorResponse(code);
        IsFailure = true;
        Error = reason;
    }
}
