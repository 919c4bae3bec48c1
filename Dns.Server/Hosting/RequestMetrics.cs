using System.Diagnostics;
using System.Net.Sockets;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Hosting;

/// <summary>
/// The per-query half of CoreDNS's <c>prometheus</c> plugin (<c>vars.Report</c>) for one listener: called by the
/// transports after each reply is written. Blocks that enable <c>prometheus</c> are reported under their zone;
/// queries refused because no block serves their zone under the zone <c>dropped</c>, as CoreDNS's
/// <c>errorAndMetricsFunc</c> does (a refused class, FORMERR, NOTIMP and BADVERS never reach CoreDNS's metrics). Children are
/// cached per zone in arrays indexed by transport, family, type and rcode, so a report is a few interlocked adds.
/// </summary>
internal sealed class RequestMetrics
{
    /// <summary>The zone label of queries that did not enter a chain; it has no closing dot, so it is never a zone.</summary>
    public const string Dropped = "dropped";

    private readonly Dictionary<string, ZoneReporter> _zones;
    private readonly string[] _keys;
    private readonly ZoneReporter[] _reporters;
    private readonly ZoneReporter _dropped;

    private readonly bool _chaosEnabled;

    public RequestMetrics(CoreMetrics metrics, string server, IEnumerable<string> zones, bool chaosEnabled = false)
    {
        _chaosEnabled = chaosEnabled;
        _zones = new Dictionary<string, ZoneReporter>(StringComparer.Ordinal);
        foreach (var z in zones)
        {
            _zones[z] = new ZoneReporter(metrics, server, z);
        }
        _dropped = new ZoneReporter(metrics, server, Dropped);
        _keys = new string[_zones.Count];
        _zones.Keys.CopyTo(_keys, 0);
        _reporters = new ZoneReporter[_zones.Count];
        _zones.Values.CopyTo(_reporters, 0);
    }

    /// <summary>Zones reported (blocks with <c>prometheus</c>).</summary>
    public IReadOnlyCollection<string> Zones => _zones.Keys;

    public void Observe(DnsContext ctx)
    {
        if (ctx.Request.Questions.Count == 0 || ctx.Response is null)
        {
            return;
        }
        ZoneReporter? reporter;
        if (string.Equals(ctx.Zone, Dropped, StringComparison.Ordinal))
        {
            // Only "no zone" reaches CoreDNS's errorAndMetricsFunc; a refused class goes through DefaultErrorFunc, unreported.
            var cls = ctx.Question.Class;
            if (ctx.Response.ResponseCode != ResponseCode.Refused || !(cls == DnsClass.In || (_chaosEnabled && cls == DnsClass.Ch)))
            {
                return;
            }
            reporter = _dropped;
        }
        else if ((reporter = ReporterFor(ctx.Zone)) is null)
        {
            return;
        }
        reporter.Report(ctx);
    }

    /// <summary>The reporter of a zone with <c>prometheus</c>, or null.</summary>
    private ZoneReporter? ReporterFor(string zone)
    {
        // The router hands out its own key strings, so a reference scan finds the zone without hashing.
        var keys = _keys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (ReferenceEquals(keys[i], zone))
            {
                return _reporters[i];
            }
        }
        return keys.Length > 0 && _zones.TryGetValue(zone, out var reporter) ? reporter : null;
    }

    /// <summary>
    /// The children <see cref="Observe"/> updated for <paramref name="ctx"/>, resolved once so a replay of the same
    /// reply (same zone, type, transport, family, rcode and plugin) is reported with a few interlocked adds.
    /// </summary>
    public ReplayReport? Prepare(DnsContext ctx)
    {
        if (ctx.Request.Questions.Count == 0 || ctx.Response is null || string.Equals(ctx.Zone, Dropped, StringComparison.Ordinal))
        {
            return null;
        }
        return ReporterFor(ctx.Zone)?.Prepare(ctx);
    }

    /// <summary>The <c>type</c> label index: CoreDNS's monitored types, everything else "other".</summary>
    internal static int TypeIndex(DnsRecordType type) => (ushort)type switch
    {
        1 => 0, // A
        2 => 1, // NS
        5 => 2, // CNAME
        6 => 3, // SOA
        12 => 4, // PTR
        15 => 5, // MX
        16 => 6, // TXT
        28 => 7, // AAAA
        33 => 8, // SRV
        43 => 9, // DS
        46 => 10, // RRSIG
        47 => 11, // NSEC
        48 => 12, // DNSKEY
        50 => 13, // NSEC3
        65 => 14, // HTTPS
        251 => 15, // IXFR
        252 => 16, // AXFR
        255 => 17, // ANY
        _ => 18,
    };

    internal static readonly string[] TypeLabels =
        ["A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "HTTPS", "IXFR", "AXFR", "ANY", "other"];

    private sealed class ZoneReporter
    {
        private const int Types = 19;
        private const int CachedRcodes = 24;
        private static readonly string[] Protos = ["udp", "tcp"];
        private static readonly string[] Families = ["1", "2"];

        private readonly CoreMetrics _m;
        private readonly string _server;
        private readonly string _zone;
        private readonly Counter?[] _requests = new Counter?[2 * 2 * Types];
        private readonly Histogram?[] _duration = new Histogram?[Types];
        private readonly Histogram?[] _requestSize = new Histogram?[2];
        private readonly Histogram?[] _responseSize = new Histogram?[2];
        private Counter? _do;
        private PluginCounters[] _responses = [];

        public ZoneReporter(CoreMetrics m, string server, string zone)
        {
            _m = m;
            _server = server;
            _zone = zone;
        }

        public void Report(DnsContext ctx)
        {
            var proto = ctx.Transport == DnsTransport.Tcp ? 1 : 0;
            var family = ctx.RemoteAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0;
            var type = TypeIndex(ctx.QueryType);
            if (ctx.Request.Opt is { DnssecOk: true })
            {
                DoRequests().Inc();
            }
            Requests(proto, family, type).Inc();
            var elapsed = ctx.StartTimestamp == 0 ? 0 : Stopwatch.GetElapsedTime(ctx.StartTimestamp).TotalSeconds;
            Duration(type).Observe(elapsed);
            ResponseSize(proto).Observe(ctx.ResponseSize);
            RequestSize(proto).Observe(ctx.RequestSize);
            Responses(ctx).Inc();
        }

        public ReplayReport Prepare(DnsContext ctx)
        {
            var proto = ctx.Transport == DnsTransport.Tcp ? 1 : 0;
            var family = ctx.RemoteAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0;
            var type = TypeIndex(ctx.QueryType);
            return new ReplayReport(
                Requests(proto, family, type),
                Duration(type),
                RequestSize(proto),
                ResponseSize(proto),
                Responses(ctx),
                ctx.Request.Opt is { DnssecOk: true } ? DoRequests() : null);
        }

        private Counter DoRequests() => _do ??= _m.DoRequests.WithLabels(_server, "", _zone);

        private Counter Requests(int proto, int family, int type) =>
            _requests[(proto * 2 + family) * Types + type] ??= _m.Requests.WithLabels(Families[family], Protos[proto], _server, TypeLabels[type], "", _zone);

        private Histogram Duration(int type) => _duration[type] ??= _m.Duration.WithLabels(_server, TypeLabels[type], "", _zone);

        private Histogram ResponseSize(int proto) => _responseSize[proto] ??= _m.ResponseSize.WithLabels(Protos[proto], _server, "", _zone);

        private Histogram RequestSize(int proto) => _requestSize[proto] ??= _m.RequestSize.WithLabels(Protos[proto], _server, "", _zone);

        private Counter Responses(DnsContext ctx)
        {
            var rcode = ctx.Response!.ResponseCode;
            // A plugin that failed without writing (ctx.Fail with an error) is CoreDNS's "server wrote it": no plugin label.
            var plugin = ctx.ResponsePlugin ?? "";
            if (ctx.Error is not null && rcode is ResponseCode.ServFail or ResponseCode.Refused or ResponseCode.FormErr or ResponseCode.NotImp)
            {
                plugin = "";
            }
            var code = (int)rcode;
            if (code >= CachedRcodes)
            {
                return _m.Responses.WithLabels(plugin, ResponseCodeText.ToText(rcode), _server, "", _zone);
            }
            var table = _responses;
            foreach (var p in table)
            {
                if (ReferenceEquals(p.Plugin, plugin) || string.Equals(p.Plugin, plugin, StringComparison.Ordinal))
                {
                    return p.ByRcode[code] ??= _m.Responses.WithLabels(plugin, ResponseCodeText.ToText(rcode), _server, "", _zone);
                }
            }
            var added = new PluginCounters(plugin);
            var grown = new PluginCounters[table.Length + 1];
            table.CopyTo(grown, 0);
            grown[^1] = added;
            // Copy-on-write without a lock: a lost race only drops a cache entry, the family returns the same child.
            Interlocked.CompareExchange(ref _responses, grown, table);
            return added.ByRcode[code] = _m.Responses.WithLabels(plugin, ResponseCodeText.ToText(rcode), _server, "", _zone);
        }
    }

    private sealed class PluginCounters(string plugin)
    {
        public string Plugin { get; } = plugin;

        public Counter?[] ByRcode { get; } = new Counter?[24];
    }
}
