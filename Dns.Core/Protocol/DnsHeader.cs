using System.Buffers.Binary;

namespace Dns.Core.Protocol;

/// <summary>The fixed 12-byte header (RFC 1035 §4.1.1), read without parsing the rest of the message.</summary>
public readonly struct DnsHeader
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 12;

    private readonly ushort _flags;

    private DnsHeader(ushort id, ushort flags, ushort qd, ushort an, ushort ns, ushort ar)
    {
        Id = id;
        _flags = flags;
        QuestionCount = qd;
        AnswerCount = an;
        AuthorityCount = ns;
        AdditionalCount = ar;
    }

    /// <summary>Transaction ID.</summary>
    public ushort Id { get; }

    /// <summary>The 16 flag bits as on the wire.</summary>
    public ushort Flags => _flags;

    /// <summary>QR.</summary>
    public bool IsResponse => (_flags & 0x8000) != 0;

    /// <summary>Opcode.</summary>
    public OpCode OpCode => (OpCode)((_flags >> 11) & 0xF);

    /// <summary>RD.</summary>
    public bool RecursionDesired => (_flags & 0x0100) != 0;

    /// <summary>CD.</summary>
    public bool CheckingDisabled => (_flags & 0x0010) != 0;

    /// <summary>The low 4 bits of the rcode.</summary>
    public int Rcode => _flags & 0xF;

    /// <summary>QDCOUNT.</summary>
    public ushort QuestionCount { get; }

    /// <summary>ANCOUNT.</summary>
    public ushort AnswerCount { get; }

    /// <summary>NSCOUNT.</summary>
    public ushort AuthorityCount { get; }

    /// <summary>ARCOUNT.</summary>
    public ushort AdditionalCount { get; }

    /// <summary>Reads the header; false when fewer than 12 bytes are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out DnsHeader header)
    {
        if (data.Length < Size)
        {
            header = default;
            return false;
        }
        header = new DnsHeader(
            BinaryPrimitives.ReadUInt16BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[10..]));
        return true;
    }
}
