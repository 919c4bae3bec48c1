using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary>
/// What a cached reply is stored under: the query name (compared case-insensitively, as CoreDNS hashes it
/// lower-cased), type, class and the DO and CD bits of the query.
/// </summary>
internal readonly struct CacheKey : IEquatable<CacheKey>
{
    private readonly int _hash;

    public CacheKey(DnsName name, DnsRecordType type, DnsClass @class, bool dnssecOk, bool checkingDisabled)
    {
        Name = name;
        Type = type;
        Class = @class;
        Flags = (byte)((dnssecOk ? 1 : 0) | (checkingDisabled ? 2 : 0));
        _hash = HashCode.Combine(name.GetHashCode(), (ushort)type, (ushort)@class, Flags);
    }

    public DnsName Name { get; }

    public DnsRecordType Type { get; }

    public DnsClass Class { get; }

    public byte Flags { get; }

    public static CacheKey For(DnsMessage request)
    {
        var q = request.Question;
        return new CacheKey(q.Name, q.Type, q.Class, request.Opt?.DnssecOk == true, request.CheckingDisabled);
    }

    public bool Equals(CacheKey other) =>
        _hash == other._hash && Type == other.Type && Class == other.Class && Flags == other.Flags && Name.Equals(other.Name);

    public override bool Equals(object? obj) => obj is CacheKey k && Equals(k);

    public override int GetHashCode() => _hash;
}
