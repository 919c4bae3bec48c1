namespace Dns.Core.Protocol;

/// <summary>A domain-name pointer record (RFC 1035 §3.3.12).</summary>
public sealed record PtrRecord(DnsName Name, uint Ttl, DnsName Target, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Ptr;

    /// <inheritdoc/>
    public override string DataText => Target.Text;

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteName(Target, compress: true);
}
