using System.Net;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

/// <summary>Messages shared by the golden-byte and interoperability tests.</summary>
internal static class Messages
{
    public static DnsName N(string text) => DnsName.Parse(text);

    /// <summary>A recursive query for example.org. A, ID 0x1234.</summary>
    public static DnsMessage Query() => DnsMessage.CreateQuery(N("example.org."), DnsRecordType.A, 0x1234);

    /// <summary>A reply with one record of every typed kind, an unknown type and an OPT with two options.</summary>
    public static DnsMessage BigReply()
    {
        var m = new DnsMessage
        {
            Id = 0xBEEF,
            IsResponse = true,
            AuthoritativeAnswer = true,
            RecursionDesired = true,
            RecursionAvailable = true,
        };
        m.Questions.Add(new DnsQuestion(N("www.Example.org."), DnsRecordType.A));
        m.Answers.Add(new ARecord(N("www.Example.org."), 300, IPAddress.Parse("192.0.2.1")));
        m.Answers.Add(new CnameRecord(N("alias.Example.org."), 300, N("www.Example.org.")));
        m.Answers.Add(new AaaaRecord(N("www.Example.org."), 300, IPAddress.Parse("2001:db8::1")));
        m.Answers.Add(new TxtRecord(N("Example.org."), 300, ["v=spf1", "hello world"]));
        m.Answers.Add(new MxRecord(N("Example.org."), 300, 10, N("mail.Example.org.")));
        m.Answers.Add(new SrvRecord(N("_http._tcp.Example.org."), 300, 0, 5, 80, N("mail.Example.org.")));
        m.Answers.Add(new PtrRecord(N("ptr.Example.org."), 300, N("www.Example.org.")));
        m.Authority.Add(new NsRecord(N("Example.org."), 300, N("ns1.Example.org.")));
        m.Authority.Add(new SoaRecord(N("Example.org."), 300, N("ns1.Example.org."), N("hostmaster.Example.org."), 7, 7200, 1800, 86400, 30));
        m.Additional.Add(new HinfoRecord(N("Example.org."), 300, "RFC8482", ""));
        m.Additional.Add(new UnknownRecord(N("Example.org."), 300, (DnsRecordType)0xFF00, [1, 2, 3]));
        m.Opt = new OptRecord { UdpPayloadSize = 1232, DnssecOk = true };
        m.Opt.Options.Add(new EdnsOption(10, [1, 2, 3, 4, 5, 6, 7, 8]));
        m.Opt.Options.Add(new EdnsOption(0xFDE9, []));
        return m;
    }

    /// <summary>The hand-checked encoding of <see cref="BigReply"/>; offsets in the comments are decimal.</summary>
    public const string BigReplyHex = """
        be ef 85 80 00 01 00 07 00 02 00 03                   | header: QR AA RD RA, qd 1 an 7 ns 2 ar 3
        03 77 77 77 07 45 78 61 6d 70 6c 65 03 6f 72 67 00    | @12 www.Example.org. (Example.org. @16, org. @24)
        00 01 00 01                                           | A IN
        c0 0c 00 01 00 01 00 00 01 2c 00 04 c0 00 02 01       | @33 A 192.0.2.1
        05 61 6c 69 61 73 c0 10                               | @49 alias.Example.org.
        00 05 00 01 00 00 01 2c 00 02 c0 0c                   | CNAME www.Example.org.
        c0 0c 00 1c 00 01 00 00 01 2c 00 10                   | @69 AAAA
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01       | 2001:db8::1
        c0 10 00 10 00 01 00 00 01 2c 00 13                   | @97 TXT, two strings
        06 76 3d 73 70 66 31                                  | "v=spf1"
        0b 68 65 6c 6c 6f 20 77 6f 72 6c 64                   | "hello world"
        c0 10 00 0f 00 01 00 00 01 2c 00 09 00 0a             | @128 MX 10
        04 6d 61 69 6c c0 10                                  | @142 mail.Example.org.
        05 5f 68 74 74 70 04 5f 74 63 70 c0 10                | @149 _http._tcp.Example.org.
        00 21 00 01 00 00 01 2c 00 18 00 00 00 05 00 50       | SRV 0 5 80
        04 6d 61 69 6c 07 45 78 61 6d 70 6c 65 03 6f 72 67 00 | target not compressed (RFC 2782)
        03 70 74 72 c0 10                                     | @196 ptr.Example.org.
        00 0c 00 01 00 00 01 2c 00 02 c0 0c                   | PTR www.Example.org.
        c0 10 00 02 00 01 00 00 01 2c 00 06                   | @214 NS
        03 6e 73 31 c0 10                                     | @226 ns1.Example.org.
        c0 10 00 06 00 01 00 00 01 2c 00 23                   | @232 SOA
        c0 e2                                                 | mname -> @226
        0a 68 6f 73 74 6d 61 73 74 65 72 c0 10                | hostmaster.Example.org.
        00 00 00 07 00 00 1c 20 00 00 07 08 00 01 51 80 00 00 00 1e | 7 7200 1800 86400 30
        c0 10 00 0d 00 01 00 00 01 2c 00 09                   | @279 HINFO
        07 52 46 43 38 34 38 32 00                            | "RFC8482" ""
        c0 10 ff 00 00 01 00 00 01 2c 00 03 01 02 03          | @300 TYPE65280 \# 3 010203
        00 00 29 04 d0 00 00 80 00 00 10                      | @315 OPT udp 1232, DO
        00 0a 00 08 01 02 03 04 05 06 07 08                   | COOKIE
        fd e9 00 00                                           | option 65001, empty
        """;
}
