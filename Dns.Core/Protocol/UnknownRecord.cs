namespace Dns.Core.Protocol;

/// <summary>A record of a type without a typed model; RDATA is kept and written back unchanged (RFC 3597).</summary>
public sealed record UnknownRecord : DnsRecord
{
    /// <summary>Creates the record.</summary>
    public UnknownRecord(DnsName name, uint ttl, DnsRecordType type, byte[] data, DnsClass @class = DnsClass.In) : base(name, ttl, @class)
    {
        RecordType = type;
        Data = data;
    }

    /// <summary>The record's type.</summary>
    public DnsRecordType RecordType { get; init; }

    /// <summary>The opaque RDATA.</summary>
    public byte[] Data { get; init; }

    /// <inheritdoc/>
    public override DnsRecordType Type => RecordType;

    /// <inheritdoc/>
    public override string DataText => Data.Length == 0 ? "\\# 0" : "\\# " + Data.Length + " " + Convert.ToHexString(Data);

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteBytes(Data);

    /// <inheritdoc/>
    public bool Equals(UnknownRecord? other) =>
        other is not null && Name == other.Name && Ttl == other.Ttl && Class == other.Class && RecordType == other.RecordType
        && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Ttl, Class, RecordType, Data.Length);
}
