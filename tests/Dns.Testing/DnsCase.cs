using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>
/// One row of a handler table (CoreDNS's <c>test.Case</c>): a question and the expected reply, sections as
/// zone-file lines compared order-insensitively with exact name spelling.
/// </summary>
public sealed record DnsCase(string Qname, DnsRecordType Qtype)
{
    /// <summary>Expected rcode.</summary>
    public ResponseCode Rcode { get; init; } = ResponseCode.NoError;

    /// <summary>Expected answer records.</summary>
    public string[] Answer { get; init; } = [];

    /// <summary>Expected authority records.</summary>
    public string[] Ns { get; init; } = [];

    /// <summary>Expected additional records (no OPT).</summary>
    public string[] Extra { get; init; } = [];

    /// <summary>Expected AA bit, when set.</summary>
    public bool? Authoritative { get; init; }

    /// <summary>Query with EDNS0 DO.</summary>
    public bool Do { get; init; }

    /// <summary>The query message.</summary>
    public DnsMessage ToQuery(ushort id = 4242)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(Qname), Qtype, id);
        if (Do)
        {
            q.Opt = new OptRecord { UdpPayloadSize = 4096, DnssecOk = true };
        }
        return q;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Qname} {DnsRecordTypeText.ToText(Qtype)}";
}
