namespace Dns.Core.Protocol;

/// <summary>A host-information record (RFC 1035 §3.3.2); also the RFC 8482 answer to ANY.</summary>
public sealed record HinfoRecord(DnsName Name, uint Ttl, string Cpu, string Os, DnsClass Class = DnsClass.In) : DnsRecord(Name, Ttl, Class)
{
    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Hinfo;

    /// <inheritdoc/>
    public override string DataText => CharacterStrings.Format([Cpu, Os]);

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer)
    {
        writer.WriteCharacterString(Cpu);
        writer.WriteCharacterString(Os);
    }
}
