using System.Globalization;

namespace Dns.Core.Protocol;

/// <summary>
/// A resource record (RFC 1035 §3.2.1). Typed subclasses carry parsed RDATA; <see cref="UnknownRecord"/> keeps any
/// other type's RDATA opaque (RFC 3597). Records are immutable; use <c>with</c> to change the TTL.
/// </summary>
public abstract record DnsRecord(DnsName Name, uint Ttl, DnsClass Class)
{
    /// <summary>The record type.</summary>
    public abstract DnsRecordType Type { get; }

    /// <summary>Writes the RDATA (without RDLENGTH).</summary>
    public abstract void WriteData(ref DnsMessageWriter writer);

    /// <summary>The RDATA in presentation (zone-file) form.</summary>
    public abstract string DataText { get; }

    /// <summary>Zone-file form: <c>name ttl class type data</c>.</summary>
    /// <remarks>Sealed so that the derived records do not replace it with the compiler's member dump.</remarks>
    public sealed override string ToString() =>
        $"{Name.Text}\t{Ttl.ToString(CultureInfo.InvariantCulture)}\t{DnsClassText.ToText(Class)}\t{DnsRecordTypeText.ToText(Type)}\t{DataText}";

    /// <summary>Same record with another TTL.</summary>
    public DnsRecord WithTtl(uint ttl) => this with { Ttl = ttl };

    /// <summary>Same record with another owner name.</summary>
    public DnsRecord WithName(DnsName name) => this with { Name = name };
}
