using System.Globalization;

namespace Dns.Core.Protocol;

/// <summary>A start-of-authority record (RFC 1035 §3.3.13).</summary>
public sealed record SoaRecord(
    DnsName Name,
    uint Ttl,
    DnsName PrimaryNameServer,
    DnsName ResponsibleMailbox,
    uint Serial,
    uint Refresh,
    uint Retry,
    uint Expire,
    uint Minimum,
    DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Soa;

    /// <inheritdoc/>
    public override string DataText =>
        string.Create(CultureInfo.InvariantCulture, $"{PrimaryNameServer.Text} {ResponsibleMailbox.Text} {Serial} {Refresh} {Retry} {Expire} {Minimum}");

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer)
    {
        writer.WriteName(PrimaryNameServer, compress: true);
        writer.WriteName(ResponsibleMailbox, compress: true);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(Minimum);
    }
}
