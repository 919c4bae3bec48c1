namespace Dns.Core.Protocol;

/// <summary>
/// The EDNS0 pseudo-record (RFC 6891 §6.1). Not kept in the additional list of a <see cref="DnsMessage"/> but in
/// <see cref="DnsMessage.Opt"/>; the writer puts it last. The extended rcode bits live in <see cref="DnsMessage.ResponseCode"/>.
/// </summary>
public sealed class OptRecord
{
    /// <summary>Requestor's UDP payload size (the CLASS field).</summary>
    public ushort UdpPayloadSize { get; set; } = 1232;

    /// <summary>EDNS version (0 is the only one defined).</summary>
    public byte Version { get; set; }

    /// <summary>The DO bit (RFC 3225).</summary>
    public bool DnssecOk { get; set; }

    /// <summary>The other 15 flag bits (Z), zero on every reply we make.</summary>
    public ushort Z { get; set; }

    /// <summary>Options, in order.</summary>
    public List<EdnsOption> Options { get; } = [];

    /// <summary>The upper 8 rcode bits as read from the wire (only meaningful while reading).</summary>
    internal byte ExtendedRcode { get; set; }

    /// <summary>Wire size of the record.</summary>
    public int WireLength
    {
        get
        {
            var n = 11;
            foreach (var o in Options)
            {
                n += 4 + o.Data.Length;
            }
            return n;
        }
    }

    /// <summary>A copy without options, as servers answer (RFC 6891 §7: options are not echoed unless understood).</summary>
    public OptRecord CloneForResponse(ushort udpPayloadSize) => new()
    {
        UdpPayloadSize = udpPayloadSize,
        Version = 0,
        DnssecOk = DnssecOk,
    };

    /// <summary>A deep copy.</summary>
    public OptRecord Clone()
    {
        var o = new OptRecord { UdpPayloadSize = UdpPayloadSize, Version = Version, DnssecOk = DnssecOk, Z = Z, ExtendedRcode = ExtendedRcode };
        o.Options.AddRange(Options);
        return o;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"; EDNS: version: {Version}, flags:{(DnssecOk ? " do" : "")}; udp: {UdpPayloadSize}";
}
