namespace Dns.Core.Protocol;

/// <summary>A question (RFC 1035 §4.1.2). The name keeps the client's spelling.</summary>
public sealed record DnsQuestion(DnsName Name, DnsRecordType Type, DnsClass Class = DnsClass.In)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name.Text}\t{DnsClassText.ToText(Class)}\t{DnsRecordTypeText.ToText(Type)}";
}
