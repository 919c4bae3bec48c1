using System.Globalization;

namespace Dns.Core.Protocol;

/// <summary>A mail-exchange record (RFC 1035 §3.3.9).</summary>
public sealed record MxRecord(DnsName Name, uint Ttl, ushort Preference, DnsName Exchange, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Mx;

    /// <inheritdoc/>
    public override string DataText => Preference.ToString(CultureInfo.InvariantCulture) + " " + Exchange.Text;

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer)
    {
        writer.WriteUInt16(Preference);
        writer.WriteName(Exchange, compress: true);
    }
}
