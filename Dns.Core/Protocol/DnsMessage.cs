using System.Text;

namespace Dns.Core.Protocol;

/// <summary>A DNS message (RFC 1035 §4.1). Mutable while a response is built; encode with <see cref="DnsMessageWriter"/>.</summary>
public sealed class DnsMessage
{
    /// <summary>Transaction ID.</summary>
    public ushort Id { get; set; }

    /// <summary>QR: this is a response.</summary>
    public bool IsResponse { get; set; }

    /// <summary>Opcode.</summary>
    public OpCode OpCode { get; set; }

    /// <summary>AA.</summary>
    public bool AuthoritativeAnswer { get; set; }

    /// <summary>TC.</summary>
    public bool Truncated { get; set; }

    /// <summary>RD.</summary>
    public bool RecursionDesired { get; set; }

    /// <summary>RA.</summary>
    public bool RecursionAvailable { get; set; }

    /// <summary>The reserved Z bit.</summary>
    public bool Zero { get; set; }

    /// <summary>AD (RFC 4035 §3.2.3).</summary>
    public bool AuthenticData { get; set; }

    /// <summary>CD (RFC 4035 §3.2.2).</summary>
    public bool CheckingDisabled { get; set; }

    /// <summary>The full response code; values above 15 need <see cref="Opt"/> (RFC 6891 §6.1.3).</summary>
    public ResponseCode ResponseCode { get; set; }

    /// <summary>Question section.</summary>
    public List<DnsQuestion> Questions { get; } = [];

    /// <summary>Answer section.</summary>
    public List<DnsRecord> Answers { get; } = [];

    /// <summary>Authority section.</summary>
    public List<DnsRecord> Authority { get; } = [];

    /// <summary>Additional section, without the OPT record.</summary>
    public List<DnsRecord> Additional { get; } = [];

    /// <summary>The EDNS0 OPT record, when present.</summary>
    public OptRecord? Opt { get; set; }

    /// <summary>The first question (queries we serve have exactly one).</summary>
    public DnsQuestion Question => Questions[0];

    /// <summary>Creates a query for one question.</summary>
    public static DnsMessage CreateQuery(DnsName name, DnsRecordType type, ushort id = 0, bool recursionDesired = true, DnsClass @class = DnsClass.In)
    {
        var m = new DnsMessage { Id = id, RecursionDesired = recursionDesired };
        m.Questions.Add(new DnsQuestion(name, type, @class));
        return m;
    }

    /// <summary>
    /// A reply to this query as miekg/dns <c>SetReply</c> makes it: same ID, opcode, RD, CD and question, QR set,
    /// rcode NOERROR. No OPT: the server adds one to the reply when the query had one.
    /// </summary>
    public DnsMessage CreateResponse()
    {
        var r = new DnsMessage
        {
            Id = Id,
            IsResponse = true,
            OpCode = OpCode,
            RecursionDesired = RecursionDesired,
            CheckingDisabled = CheckingDisabled,
        };
        if (Questions.Count > 0)
        {
            r.Questions.Add(Questions[0]);
        }
        return r;
    }

    /// <summary>A reply with only the header, the question and <paramref name="code"/>.</summary>
    public DnsMessage CreateErrorResponse(ResponseCode code)
    {
        var r = CreateResponse();
        r.ResponseCode = code;
        return r;
    }

    /// <summary>Parses a whole message; throws <see cref="DnsFormatException"/> on malformed input.</summary>
    public static DnsMessage Parse(ReadOnlySpan<byte> data) => DnsMessageReader.Read(data);

    /// <summary>Encodes without truncation into a new array.</summary>
    public byte[] ToArray()
    {
        var buf = new byte[DnsMessageWriter.MaxMessageSize];
        var n = DnsMessageWriter.Write(this, buf, DnsMessageWriter.MaxMessageSize);
        return buf.AsSpan(0, n).ToArray();
    }

    /// <summary>A deep-enough copy: new section lists and OPT, shared (immutable) records.</summary>
    public DnsMessage Clone()
    {
        var m = new DnsMessage
        {
            Id = Id, IsResponse = IsResponse, OpCode = OpCode, AuthoritativeAnswer = AuthoritativeAnswer, Truncated = Truncated,
            RecursionDesired = RecursionDesired, RecursionAvailable = RecursionAvailable, Zero = Zero, AuthenticData = AuthenticData,
            CheckingDisabled = CheckingDisabled, ResponseCode = ResponseCode, Opt = Opt?.Clone(),
        };
        m.Questions.AddRange(Questions);
        m.Answers.AddRange(Answers);
        m.Authority.AddRange(Authority);
        m.Additional.AddRange(Additional);
        return m;
    }

    /// <summary>A dig-like rendering, for logs and test failures.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(";; opcode: ").Append(OpCode.ToString().ToUpperInvariant()).Append(", status: ").Append(ResponseCodeText.ToText(ResponseCode))
            .Append(", id: ").Append(Id).Append('\n');
        sb.Append(";; flags:");
        if (IsResponse) sb.Append(" qr");
        if (AuthoritativeAnswer) sb.Append(" aa");
        if (Truncated) sb.Append(" tc");
        if (RecursionDesired) sb.Append(" rd");
        if (RecursionAvailable) sb.Append(" ra");
        if (AuthenticData) sb.Append(" ad");
        if (CheckingDisabled) sb.Append(" cd");
        sb.Append('\n');
        if (Opt is not null)
        {
            sb.Append(Opt).Append('\n');
        }
        sb.Append(";; QUESTION SECTION:\n");
        foreach (var q in Questions) sb.Append(';').Append(q).Append('\n');
        Section(sb, "ANSWER", Answers);
        Section(sb, "AUTHORITY", Authority);
        Section(sb, "ADDITIONAL", Additional);
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string name, List<DnsRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }
        sb.Append(";; ").Append(name).Append(" SECTION:\n");
        foreach (var r in records) sb.Append(r).Append('\n');
    }
}
