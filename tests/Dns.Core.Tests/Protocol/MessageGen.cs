using System.Net;
using CsCheck;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

/// <summary>CsCheck generators of valid messages: names share suffixes (so compression happens) and vary in case.</summary>
internal static class MessageGen
{
    private static readonly Gen<string> Label = Gen.String[Gen.Char["abcxyzABCXYZ019-_"], 1, 12];

    private static readonly Gen<string> Suffix = Gen.OneOf(".", "example.org.", "Example.ORG.", "svc.cluster.local.", "org.");

    public static readonly Gen<DnsName> Name =
        Gen.Select(Label.Array[0, 3], Suffix, (labels, suffix) =>
            DnsName.Parse(labels.Length == 0 ? suffix : string.Join(".", labels) + (suffix == "." ? "." : "." + suffix)));

    // RFC 2181 §8: TTLs are 31-bit.
    private static readonly Gen<uint> Ttl = Gen.UInt[0, int.MaxValue];

    private static readonly Gen<DnsClass> Class = Gen.Frequency((8, Gen.Const(DnsClass.In)), (1, Gen.Const(DnsClass.Ch)));

    private static readonly Gen<string> Text = Gen.String[Gen.Char[' ', '~'], 0, 40];

    public static readonly Gen<DnsRecord> Record = Gen.Select(Name, Ttl, Class).SelectMany(t =>
    {
        var (name, ttl, cls) = t;
        return Gen.OneOf<DnsRecord>(
            Gen.Byte.Array[4].Select(b => (DnsRecord)new ARecord(name, ttl, new IPAddress(b), cls)),
            Gen.Byte.Array[16].Select(b => (DnsRecord)new AaaaRecord(name, ttl, new IPAddress(b), cls)),
            Name.Select(n => (DnsRecord)new CnameRecord(name, ttl, n, cls)),
            Name.Select(n => (DnsRecord)new NsRecord(name, ttl, n, cls)),
            Name.Select(n => (DnsRecord)new PtrRecord(name, ttl, n, cls)),
            Gen.Select(Gen.UShort, Name, (p, n) => (DnsRecord)new MxRecord(name, ttl, p, n, cls)),
            Gen.Select(Gen.UShort, Gen.UShort, Gen.UShort, Name, (p, w, port, n) => (DnsRecord)new SrvRecord(name, ttl, p, w, port, n, cls)),
            Gen.Select(Name, Name, Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt,
                (m, r, a, b, c, d, e) => (DnsRecord)new SoaRecord(name, ttl, m, r, a, b, c, d, e, cls)),
            Text.Array[1, 3].Select(s => (DnsRecord)new TxtRecord(name, ttl, s, cls)),
            Gen.Select(Text, Text, (c, o) => (DnsRecord)new HinfoRecord(name, ttl, c, o, cls)),
            Gen.Select(Gen.UShort[65280, 65534], Gen.Byte.Array[0, 20], (type, data) => (DnsRecord)new UnknownRecord(name, ttl, (DnsRecordType)type, data, cls)));
    });

    private static readonly Gen<OptRecord?> Opt = Gen.Frequency(
        (1, Gen.Const((OptRecord?)null)),
        (2, Gen.Select(Gen.UShort[512, 65535], Gen.Bool, Gen.Select(Gen.UShort[65001, 65534], Gen.Byte.Array[0, 12]).Array[0, 2], (size, dnssec, options) =>
        {
            var o = new OptRecord { UdpPayloadSize = size, DnssecOk = dnssec };
            foreach (var (code, data) in options)
            {
                o.Options.Add(new EdnsOption(code, data));
            }
            return (OptRecord?)o;
        })));

    private static readonly Gen<DnsQuestion> Question =
        Gen.Select(Name, Gen.OneOf(DnsRecordType.A, DnsRecordType.Aaaa, DnsRecordType.Srv, DnsRecordType.Ptr, DnsRecordType.Any, (DnsRecordType)65300), Class,
            (n, t, c) => new DnsQuestion(n, t, c));

    public static readonly Gen<DnsMessage> Message =
        Gen.Select(Gen.UShort, Gen.Int[0, 511], Gen.Int[0, 5], Question.Array[0, 2], Record.Array[0, 6], Record.Array[0, 3], Record.Array[0, 3], Opt)
            .Select(t =>
            {
                var (id, flags, op, questions, answers, authority, additional, opt) = t;
                var m = new DnsMessage
                {
                    Id = id,
                    IsResponse = (flags & 1) != 0,
                    AuthoritativeAnswer = (flags & 2) != 0,
                    Truncated = (flags & 4) != 0,
                    RecursionDesired = (flags & 8) != 0,
                    RecursionAvailable = (flags & 16) != 0,
                    AuthenticData = (flags & 32) != 0,
                    CheckingDisabled = (flags & 64) != 0,
                    OpCode = op == 3 ? OpCode.Query : (OpCode)op,
                    ResponseCode = (flags >> 7) switch
                    {
                        0 => ResponseCode.NoError,
                        1 => ResponseCode.NxDomain,
                        2 => ResponseCode.ServFail,
                        _ => opt is null ? ResponseCode.Refused : ResponseCode.BadVers,
                    },
                    Opt = opt,
                };
                m.Questions.AddRange(questions);
                m.Answers.AddRange(answers);
                m.Authority.AddRange(authority);
                m.Additional.AddRange(additional);
                return m;
            });
}
