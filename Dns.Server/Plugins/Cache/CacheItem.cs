using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary>
/// One cached reply. The stored message is never mutated: a hit builds a new message around record arrays that are
/// re-rendered only when the remaining TTL (whole seconds) changes, so most hits copy a few references.
/// </summary>
internal sealed class CacheItem
{
    private Rendered? _rendered;
    private long _lastHit;
    private int _hits;
    private int _refreshing;

    public CacheItem(DnsMessage message, long storedTicks, uint originalTtl)
    {
        Message = message;
        StoredTicks = storedTicks;
        OriginalTtl = originalTtl;
    }

    /// <summary>The reply as stored: no OPT (hop-by-hop), every TTL set to <see cref="OriginalTtl"/>.</summary>
    public DnsMessage Message { get; }

    /// <summary>UTC ticks when stored.</summary>
    public long StoredTicks { get; }

    /// <summary>Seconds the entry lives.</summary>
    public uint OriginalTtl { get; }

    /// <summary>Hits in the current prefetch window.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Remaining whole seconds at <paramref name="nowTicks"/> (negative once expired).</summary>
    public int Ttl(long nowTicks) => (int)OriginalTtl - (int)((nowTicks - StoredTicks) / TimeSpan.TicksPerSecond);

    /// <summary>CoreDNS <c>freq.Update</c>: a hit older than the window restarts the count at 1.</summary>
    public int CountHit(TimeSpan window, long nowTicks)
    {
        var last = Interlocked.Exchange(ref _lastHit, nowTicks);
        if (last < nowTicks - window.Ticks)
        {
            Volatile.Write(ref _hits, 1);
            return 1;
        }
        return Interlocked.Increment(ref _hits);
    }

    /// <summary>Carries the hit count over to the entry that replaces this one after a prefetch.</summary>
    public void ResetFrequency(long nowTicks, int hits)
    {
        Volatile.Write(ref _lastHit, nowTicks);
        Volatile.Write(ref _hits, hits);
    }

    /// <summary>Claims the right to refresh this entry (one background refresh at a time).</summary>
    public bool TryStartRefresh() => Interlocked.Exchange(ref _refreshing, 1) == 0;

    public void EndRefresh() => Volatile.Write(ref _refreshing, 0);

    /// <summary>
    /// The reply for <paramref name="request"/> (its ID, question spelling, RD and CD) with every TTL set to
    /// <paramref name="ttl"/>. AA is set as CoreDNS does for cached replies; AD only when the client set DO or AD.
    /// </summary>
    public DnsMessage ToResponse(DnsMessage request, uint ttl, bool dnssecOk)
    {
        var r = request.CreateResponse();
        r.AuthoritativeAnswer = true;
        r.AuthenticData = Message.AuthenticData && (dnssecOk || request.AuthenticData);
        r.RecursionAvailable = Message.RecursionAvailable;
        r.ResponseCode = Message.ResponseCode;
        var rendered = _rendered;
        if (rendered is null || rendered.Ttl != ttl)
        {
            rendered = new Rendered(ttl, WithTtl(Message.Answers, ttl), WithTtl(Message.Authority, ttl), WithTtl(Message.Additional, ttl));
            _rendered = rendered;
        }
        r.Answers.AddRange(rendered.Answers);
        r.Authority.AddRange(rendered.Authority);
        r.Additional.AddRange(rendered.Additional);
        return r;
    }

    internal static DnsRecord[] WithTtl(List<DnsRecord> records, uint ttl)
    {
        if (records.Count == 0)
        {
            return [];
        }
        var a = new DnsRecord[records.Count];
        for (var i = 0; i < a.Length; i++)
        {
            var rec = records[i];
            a[i] = rec.Ttl == ttl ? rec : rec.WithTtl(ttl);
        }
        return a;
    }

    private sealed record Rendered(uint Ttl, DnsRecord[] Answers, DnsRecord[] Authority, DnsRecord[] Additional);
}
