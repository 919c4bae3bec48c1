using System.Diagnostics;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Hosting;

/// <summary>
/// Replies kept in wire form and replayed for the same request bytes (everything after the ID) without parsing,
/// routing, running the chain or encoding: the UDP fast path for replay-safe blocks (<see cref="IReplaySafe"/>).
/// A reply is kept only when every plugin allowed it, nothing waits for its completion, it is not a failure, and
/// it was computed under the <see cref="ReplayEpoch"/> still current when it is replayed. One cache per receive
/// thread, so neither a hit nor an insert takes a lock; it is emptied when it reaches <see cref="MaxEntries"/>
/// (a flood of distinct names) and when the listener's handler changes (a reload).
/// </summary>
internal sealed class ReplayCache
{
    /// <summary>
    /// Entries per thread before the cache starts over: room for the distinct questions of a large cluster's
    /// clients (a 5,000-service mix has ~14k) at a few hundred bytes each.
    /// </summary>
    public const int MaxEntries = 16384;

    /// <summary>Largest reply kept (bigger ones are rare and cost their encoding anyway).</summary>
    public const int MaxReplySize = 1232;

    private readonly Dictionary<byte[], Entry> _map = new(KeyComparer.Instance);
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private QueryHandler? _handler;
    private ulong _random = (ulong)Random.Shared.NextInt64() | 1;

    public ReplayCache()
    {
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Entries held now.</summary>
    public int Count => _map.Count;

    /// <summary>
    /// Writes the kept reply for <paramref name="packet"/> into <paramref name="destination"/> with the request's ID
    /// and counts it as the chain would have; returns its length, or -1 when there is none to replay.
    /// </summary>
    public int TryReplay(QueryHandler handler, ReadOnlySpan<byte> packet, int family, Span<byte> destination)
    {
        if (!ReferenceEquals(handler, _handler))
        {
            _map.Clear();
            _handler = handler;
            return -1;
        }
        if (packet.Length <= DnsHeader.Size || !_lookup.TryGetValue(packet[2..], out var e)
            || e.Family != family || e.Epoch != ReplayEpoch.Current || e.Reply.Length > destination.Length
            || (e.Clock is not null && e.Clock.GetUtcNow().UtcTicks >= e.UntilTicks))
        {
            return -1;
        }
        var start = Stopwatch.GetTimestamp();
        var reply = e.Reply;
        reply.CopyTo(destination);
        destination[0] = packet[0];
        destination[1] = packet[1];
        if (e.Shuffle is { } runs)
        {
            AddressRuns.Shuffle(destination, runs, ref _random);
        }
        foreach (var c in e.Counters)
        {
            c.Inc();
        }
        e.Report?.Report(start, packet.Length, reply.Length);
        return reply.Length;
    }

    /// <summary>Keeps <paramref name="reply"/>, written for <paramref name="ctx"/>, when it may be replayed.</summary>
    public void Remember(QueryHandler handler, ReadOnlySpan<byte> packet, int family, long epoch, DnsContext ctx, ReadOnlySpan<byte> reply)
    {
        if (!ctx.Replayable || ctx.HasCompletionCallbacks || ctx.Error is not null || ctx.IsFailure
            || reply.Length > MaxReplySize || packet.Length <= DnsHeader.Size || !ReferenceEquals(handler, _handler)
            || ctx.Response is not { ResponseCode: ResponseCode.NoError or ResponseCode.NxDomain })
        {
            return;
        }
        if (_map.Count >= MaxEntries)
        {
            _map.Clear();
        }
        int[]? shuffle = null;
        if (ctx.ShuffleOnReplay != ReplaySections.None && (shuffle = AddressRuns.Find(reply, ctx.ShuffleOnReplay)) is null)
        {
            return;
        }
        var counters = ctx.ReplayCounters is { Count: > 0 } list ? Dns.Core.Lists.ToArray(list) : Array.Empty<Counter>();
        _lookup[packet[2..]] = new Entry(reply.ToArray(), epoch, family, counters, handler.ReplayMetrics?.Prepare(ctx), ctx.ReplayClock, ctx.ReplayUntilTicks, shuffle);
    }

    /// <summary>The address family index of a received datagram's source (0 IPv4, also IPv4-mapped IPv6; 1 IPv6).</summary>
    public static int FamilyOf(ReadOnlySpan<byte> sockaddr)
    {
        // sockaddr_in6: family(2) port(2) flowinfo(4) address(16); AF_INET6 is 10 on Linux.
        if (sockaddr.Length < 24 || BitConverter.ToUInt16(sockaddr) != 10)
        {
            return 0;
        }
        var a = sockaddr.Slice(8, 16);
        return a[..10].IndexOfAnyExcept((byte)0) < 0 && a[10] == 0xff && a[11] == 0xff ? 0 : 1;
    }

    /// <summary>A kept reply; a struct so an entry costs its two arrays and the dictionary slot.</summary>
    private readonly record struct Entry(byte[] Reply, long Epoch, int Family, Counter[] Counters, ReplayReport? Report, TimeProvider? Clock, long UntilTicks, int[]? Shuffle);

    /// <summary>Compares keys by content; looks them up from a span without copying.</summary>
    private sealed class KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var h = default(HashCode);
            h.AddBytes(bytes);
            return h.ToHashCode();
        }
    }
}
