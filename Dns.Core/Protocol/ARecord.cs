using System.Net;
using System.Net.Sockets;

namespace Dns.Core.Protocol;

/// <summary>An IPv4 address record (RFC 1035 §3.4.1).</summary>
public sealed record ARecord : DnsRecord
{
    /// <summary>Creates the record; the address must be IPv4.</summary>
    public ARecord(DnsName name, uint ttl, IPAddress address, DnsClass @class = DnsClass.In) : base(name, ttl, @class)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("A record needs an IPv4 address", nameof(address));
        }
        Address = address;
    }

    /// <summary>The address.</summary>
    public IPAddress Address { get; init; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.A;

    /// <inheritdoc/>
    public override string DataText => Address.ToString();

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer) => writer.WriteAddress(Address);
}
