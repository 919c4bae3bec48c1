namespace Dns.Core.Protocol;

/// <summary>A canonical-name record (RFC 1035 §3.3.1).</summary>
public sealed record CnameRecord(DnsName Name, uint Ttl, DnsName Target, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Cname;

    /// <inheritdoc/>
    public override string DataText => Target.Text;

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteName(Target, compress: true);
}
