using System.Globalization;

namespace Dns.Core.Protocol;

/// <summary>A service-location record (RFC 2782). The target is never compressed (RFC 2782, RFC 3597 §4).</summary>
public sealed record SrvRecord(DnsName Name, uint Ttl, ushort Priority, ushort Weight, ushort Port, DnsName Target, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Srv;

    /// <inheritdoc/>
    public override string DataText => string.Create(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} {Target.Text}");

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        writer.WriteName(Target, compress: false);
    }
}
