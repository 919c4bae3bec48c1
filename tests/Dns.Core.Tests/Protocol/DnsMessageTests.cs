using System.Net;
using Dns.Core.Protocol;
using static Dns.Core.Tests.Protocol.Messages;

namespace Dns.Core.Tests.Protocol;

public sealed class DnsMessageTests
{
    [Fact]
    public void CreateResponse_Query_IsMiekgSetReply()
    {
        var q = DnsMessage.CreateQuery(N("Www.Example.org."), DnsRecordType.Aaaa, 0x3344);
        q.CheckingDisabled = true;
        q.AuthenticData = true;
        q.Opt = new OptRecord { UdpPayloadSize = 4096 };
        q.Questions.Add(new DnsQuestion(N("second."), DnsRecordType.A));

        var r = q.CreateResponse();
        Assert.Equal(0x3344, r.Id);
        Assert.True(r.IsResponse);
        Assert.True(r.RecursionDesired);
        Assert.True(r.CheckingDisabled);
        Assert.False(r.AuthenticData);
        Assert.False(r.RecursionAvailable);
        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.Null(r.Opt);
        var question = Assert.Single(r.Questions);
        Assert.Equal("Www.Example.org.", question.Name.Text);
    }

    [Fact]
    public void CreateErrorResponse_Code_CarriesRcodeAndQuestionOnly()
    {
        var r = Query().CreateErrorResponse(ResponseCode.Refused);
        Assert.Equal(ResponseCode.Refused, r.ResponseCode);
        Assert.Empty(r.Answers);
        Hex.Equal("12 34 81 05 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 6f 72 67 00 00 01 00 01", r.ToArray());
    }

    [Fact]
    public void Clone_Modified_LeavesOriginalUnchanged()
    {
        var m = BigReply();
        var c = m.Clone();
        MessageAssert.Equal(m, c);
        c.Answers.Clear();
        c.Opt!.Options.Clear();
        c.Opt.UdpPayloadSize = 512;
        Assert.Equal(7, m.Answers.Count);
        Assert.Equal(2, m.Opt!.Options.Count);
        Assert.Equal(1232, m.Opt.UdpPayloadSize);
    }

    public static TheoryData<DnsRecord, string> RecordTexts => new()
    {
        { new ARecord(N("a.example."), 300, IPAddress.Parse("192.0.2.1")), "a.example.\t300\tIN\tA\t192.0.2.1" },
        { new AaaaRecord(N("a.example."), 300, IPAddress.Parse("2001:db8::1")), "a.example.\t300\tIN\tAAAA\t2001:db8::1" },
        { new CnameRecord(N("A.example."), 5, N("B.example.")), "A.example.\t5\tIN\tCNAME\tB.example." },
        { new NsRecord(N("example."), 5, N("ns.example.")), "example.\t5\tIN\tNS\tns.example." },
        { new PtrRecord(N("1.2.0.192.in-addr.arpa."), 5, N("a.example.")), "1.2.0.192.in-addr.arpa.\t5\tIN\tPTR\ta.example." },
        { new MxRecord(N("example."), 5, 10, N("mx.example.")), "example.\t5\tIN\tMX\t10 mx.example." },
        { new SrvRecord(N("_x._tcp.example."), 5, 0, 100, 443, N("t.example.")), "_x._tcp.example.\t5\tIN\tSRV\t0 100 443 t.example." },
        {
            new SoaRecord(N("example."), 5, N("ns.dns.example."), N("hostmaster.example."), 1, 7200, 1800, 86400, 5),
            "example.\t5\tIN\tSOA\tns.dns.example. hostmaster.example. 1 7200 1800 86400 5"
        },
        { new TxtRecord(N("t.example."), 5, ["a \"q\"", "b\\c", "\u0001"]), "t.example.\t5\tIN\tTXT\t\"a \\\"q\\\"\" \"b\\\\c\" \"\\001\"" },
        { new HinfoRecord(N("example."), 5, "RFC8482", ""), "example.\t5\tIN\tHINFO\t\"RFC8482\" \"\"" },
        { new UnknownRecord(N("example."), 5, (DnsRecordType)65280, [0xAB, 0x01]), "example.\t5\tIN\tTYPE65280\t\\# 2 AB01" },
        { new UnknownRecord(N("example."), 5, DnsRecordType.Caa, []), "example.\t5\tIN\tCAA\t\\# 0" },
        { new TxtRecord(N("version.bind."), 0, ["1.0"], DnsClass.Ch), "version.bind.\t0\tCH\tTXT\t\"1.0\"" },
    };

    [Theory]
    [MemberData(nameof(RecordTexts))]
    public void ToString_Record_IsZoneFileForm(DnsRecord record, string expected)
    {
        Assert.Equal(expected, record.ToString());
    }

    [Fact]
    public void WithTtlAndWithName_NewValues_CopyTheRecord()
    {
        var r = new TxtRecord(N("a."), 5, ["x"]);
        var r2 = r.WithTtl(60).WithName(N("B."));
        Assert.Equal("B.\t60\tIN\tTXT\t\"x\"", r2.ToString());
        Assert.Equal(5u, r.Ttl);
        Assert.NotEqual<DnsRecord>(r, r2);
        Assert.Equal<DnsRecord>(r, new TxtRecord(N("A."), 5, ["x"]));
    }

    [Fact]
    public void Constructors_WrongData_Throw()
    {
        Assert.Throws<ArgumentException>(() => new ARecord(N("a."), 1, IPAddress.IPv6Loopback));
        Assert.Throws<ArgumentException>(() => new AaaaRecord(N("a."), 1, IPAddress.Loopback));
        Assert.Throws<ArgumentException>(() => new TxtRecord(N("a."), 1, [new string('x', 256)]));
    }

    [Fact]
    public void ToString_Message_IsDigLike()
    {
        var text = BigReply().ToString();
        Assert.StartsWith(";; opcode: QUERY, status: NOERROR, id: 48879\n;; flags: qr aa rd ra\n; EDNS: version: 0, flags: do; udp: 1232\n", text, StringComparison.Ordinal);
        Assert.Contains(";; QUESTION SECTION:\n;www.Example.org.\tIN\tA\n", text, StringComparison.Ordinal);
        Assert.Contains(";; ANSWER SECTION:\nwww.Example.org.\t300\tIN\tA\t192.0.2.1\n", text, StringComparison.Ordinal);
        Assert.Contains(";; AUTHORITY SECTION:\nExample.org.\t300\tIN\tNS\tns1.Example.org.\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A", DnsRecordType.A)]
    [InlineData("aaaa", DnsRecordType.Aaaa)]
    [InlineData("TYPE65280", (DnsRecordType)65280)]
    [InlineData("type1", DnsRecordType.A)]
    public void TryParse_TypeText_ParsesNamesAndGenericForm(string text, DnsRecordType expected)
    {
        Assert.True(DnsRecordTypeText.TryParse(text, out var t));
        Assert.Equal(expected, t);
        Assert.False(DnsRecordTypeText.TryParse("BOGUS", out _));
        Assert.False(DnsRecordTypeText.TryParse("TYPE70000", out _));
    }
}
