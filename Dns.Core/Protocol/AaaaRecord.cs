using System.Net;
using System.Net.Sockets;

namespace Dns.Core.Protocol;

/// <summary>An IPv6 address record (RFC 3596).</summary>
public sealed record AaaaRecord : DnsRecord
{
    /// <summary>Creates the record; the address must be IPv6.</summary>
    public AaaaRecord(DnsName name, uint ttl, IPAddress address, DnsClass @class = DnsClass.In) : base(name, ttl, @class)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("AAAA record needs an IPv6 address", nameof(address));
        }
        Address = address;
    }

    /// <summary>The address.</summary>
    public IPAddress Address { get; init; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Aaaa;

    /// <inheritdoc/>
    public override string DataText => Address.ToString();

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteAddress(Address);
}
