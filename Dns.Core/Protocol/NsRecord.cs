namespace Dns.Core.Protocol;

/// <summary>A name-server record (RFC 1035 §3.3.11).</summary>
public sealed record NsRecord(DnsName Name, uint Ttl, DnsName Target, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Ns;

    /// <inheritdoc/>
    public override string DataText => Target.Text;

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteName(Target, compress: true);
}
