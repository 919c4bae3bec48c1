using System.Net;
using Dns.Core.Protocol;
using static Dns.Core.Tests.Protocol.Messages;

namespace Dns.Core.Tests.Protocol;

public sealed class GoldenBytesTests
{
    [Fact]
    public void ToArray_Query_MatchesRfc1035Layout()
    {
        Hex.Equal("""
            12 34 01 00 00 01 00 00 00 00 00 00
            07 65 78 61 6d 70 6c 65 03 6f 72 67 00 00 01 00 01
            """, Query().ToArray());
    }

    [Fact]
    public void ToArray_ReplyWithEveryRecordKind_MatchesHandCheckedBytes()
    {
        Hex.Equal(BigReplyHex, BigReply().ToArray());
    }

    [Fact]
    public void Parse_HandCheckedReply_EqualsTheMessageItEncodes()
    {
        var parsed = DnsMessage.Parse(Hex.Parse(BigReplyHex));
        MessageAssert.Equal(BigReply(), parsed);
    }

    [Fact]
    public void ToArray_ExtendedRcodeBadVers_SplitsRcodeBetweenHeaderAndOpt()
    {
        // RFC 6891 §6.1.3: BADVERS (16) is 0x1 in the OPT's EXTENDED-RCODE and 0 in the header.
        var m = new DnsMessage { Id = 1, IsResponse = true, ResponseCode = ResponseCode.BadVers, Opt = new OptRecord { UdpPayloadSize = 1232 } };
        m.Questions.Add(new DnsQuestion(DnsName.Root, DnsRecordType.Ns));
        const string hex = """
            00 01 80 00 00 01 00 00 00 00 00 01
            00 00 02 00 01
            00 00 29 04 d0 01 00 00 00 00 00
            """;
        Hex.Equal(hex, m.ToArray());
        var back = DnsMessage.Parse(Hex.Parse(hex));
        Assert.Equal(ResponseCode.BadVers, back.ResponseCode);
        Assert.Equal(0, back.Opt!.Version);
    }

    [Fact]
    public void ToArray_AllHeaderFlags_SetTheirBits()
    {
        var m = new DnsMessage
        {
            Id = 0xFFFF, IsResponse = true, OpCode = OpCode.Update, AuthoritativeAnswer = true, Truncated = true,
            RecursionDesired = true, RecursionAvailable = true, Zero = true, AuthenticData = true, CheckingDisabled = true,
            ResponseCode = ResponseCode.NotZone,
        };
        // QR | opcode 5 | AA | TC | RD | RA | Z | AD | CD | rcode 10
        Hex.Equal("ff ff af fa 00 00 00 00 00 00 00 00", m.ToArray());
        var back = DnsMessage.Parse(m.ToArray());
        MessageAssert.Equal(m, back);
    }

    [Fact]
    public void ToArray_NameDiffersOnlyInCase_IsNotCompressedToTheOtherSpelling()
    {
        var m = DnsMessage.CreateQuery(N("www.Example.org."), DnsRecordType.A, 7).CreateResponse();
        m.Answers.Add(new CnameRecord(N("www.example.org."), 60, N("WWW.Example.org.")));
        Hex.Equal("""
            00 07 81 00 00 01 00 01 00 00 00 00
            03 77 77 77 07 45 78 61 6d 70 6c 65 03 6f 72 67 00 00 01 00 01
            03 77 77 77 07 65 78 61 6d 70 6c 65 c0 18
            00 05 00 01 00 00 00 3c 00 06
            03 57 57 57 c0 10
            """, m.ToArray());
        var back = DnsMessage.Parse(m.ToArray());
        Assert.True(back.Answers[0].Name.SpellingEquals(N("www.example.org.")));
        Assert.True(((CnameRecord)back.Answers[0]).Target.SpellingEquals(N("WWW.Example.org.")));
    }

    [Fact]
    public void ToArray_SrvTarget_IsWrittenInFullButLaterNamesMayPointIntoIt()
    {
        var m = new DnsMessage { Id = 2, IsResponse = true };
        m.Answers.Add(new SrvRecord(N("_a._udp.x."), 5, 1, 2, 53, N("ns.y.")));
        m.Answers.Add(new NsRecord(N("x."), 5, N("ns.y.")));
        Hex.Equal("""
            00 02 80 00 00 00 00 02 00 00 00 00
            02 5f 61 04 5f 75 64 70 01 78 00             | @12 _a._udp.x. (x. @20)
            00 21 00 01 00 00 00 05 00 0c 00 01 00 02 00 35
            02 6e 73 01 79 00                            | @39 ns.y. in full
            c0 14 00 02 00 01 00 00 00 05 00 02 c0 27    | NS ns.y. -> @39
            """, m.ToArray());
    }

    [Fact]
    public void ToArray_RootOwnerAndEmptyTxt_EncodeWithoutPointers()
    {
        var m = new DnsMessage { Id = 3, IsResponse = true };
        m.Answers.Add(new TxtRecord(DnsName.Root, 0, []));
        m.Answers.Add(new TxtRecord(DnsName.Root, 0, [""]));
        const string hex = """
            00 03 80 00 00 00 00 02 00 00 00 00
            00 00 10 00 01 00 00 00 00 00 00
            00 00 10 00 01 00 00 00 00 00 01 00
            """;
        Hex.Equal(hex, m.ToArray());
        MessageAssert.Equal(m, DnsMessage.Parse(Hex.Parse(hex)));
    }

    [Fact]
    public void ToArray_NonInClass_KeepsClassAndDecodesTyped()
    {
        var m = new DnsMessage { Id = 4, IsResponse = true };
        m.Questions.Add(new DnsQuestion(N("version.bind."), DnsRecordType.Txt, DnsClass.Ch));
        m.Answers.Add(new TxtRecord(N("version.bind."), 0, ["1.0"], DnsClass.Ch));
        Hex.Equal("""
            00 04 80 00 00 01 00 01 00 00 00 00
            07 76 65 72 73 69 6f 6e 04 62 69 6e 64 00 00 10 00 03
            c0 0c 00 10 00 03 00 00 00 00 00 04 03 31 2e 30
            """, m.ToArray());
        MessageAssert.Equal(m, DnsMessage.Parse(m.ToArray()));
    }

    [Fact]
    public void Write_WithSeparateIdAndOpt_DoesNotChangeTheSharedMessage()
    {
        var m = BigReply();
        var opt = new OptRecord { UdpPayloadSize = 512 };
        var buf = new byte[4096];
        var n = DnsMessageWriter.Write(m, buf, 4096, 0x0102, opt);
        var back = DnsMessage.Parse(buf.AsSpan(0, n));
        Assert.Equal(0x0102, back.Id);
        Assert.Equal(512, back.Opt!.UdpPayloadSize);
        Assert.Empty(back.Opt.Options);
        Assert.Equal(0xBEEF, m.Id);
        Assert.Equal(2, m.Opt!.Options.Count);
    }

    [Fact]
    public void Parse_UnknownTypeRecord_KeepsRdataOpaque()
    {
        var back = DnsMessage.Parse(Hex.Parse(BigReplyHex));
        var unknown = Assert.IsType<UnknownRecord>(back.Additional[1]);
        Assert.Equal((DnsRecordType)65280, unknown.Type);
        Assert.Equal([1, 2, 3], unknown.Data);
        Assert.Equal("\\# 3 010203", unknown.DataText);
    }

    [Fact]
    public void Parse_CompressedNamesInRdata_AreExpanded()
    {
        var back = DnsMessage.Parse(Hex.Parse(BigReplyHex));
        var soa = Assert.IsType<SoaRecord>(back.Authority[1]);
        Assert.Equal("ns1.Example.org.", soa.PrimaryNameServer.Text);
        Assert.Equal("hostmaster.Example.org.", soa.ResponsibleMailbox.Text);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), ((AaaaRecord)back.Answers[2]).Address);
    }

    [Theory]
    [InlineData(39, "03 6e 65 77 c0 0e", "03 6e 65 77 07 65 78 61 6d 70 6c 65 00")] // DNAME new.example.
    [InlineData(14, "c0 0c c0 0e", "01 61 07 65 78 61 6d 70 6c 65 00 07 65 78 61 6d 70 6c 65 00")] // MINFO
    [InlineData(18, "00 01 02 64 62 c0 0e", "00 01 02 64 62 07 65 78 61 6d 70 6c 65 00")] // AFSDB 1 db.example.
    [InlineData(26, "00 0a c0 0e 00", "00 0a 07 65 78 61 6d 70 6c 65 00 00")] // PX 10 example. .
    public void Parse_OpaqueTypeWithCompressedNames_ExpandsThemSoTheRecordCanMove(ushort type, string rdata, string expanded)
    {
        var rd = Hex.Parse(rdata);
        var bytes = Hex.Parse($"""
            00 01 81 00 00 01 00 01 00 00 00 00
            01 61 07 65 78 61 6d 70 6c 65 00 {type >> 8:x2} {type & 0xFF:x2} 00 01
            c0 0e {type >> 8:x2} {type & 0xFF:x2} 00 01 00 00 00 3c 00 {rd.Length:x2} {rdata}
            """);
        var m = DnsMessage.Parse(bytes);
        var record = Assert.IsType<UnknownRecord>(Assert.Single(m.Answers));
        Hex.Equal(expanded, record.Data);

        // Written into a message where the old offsets mean nothing, the names still read back.
        var moved = new DnsMessage { Id = 2, IsResponse = true };
        moved.Answers.Add(new TxtRecord(N("filler.test."), 0, ["shifts every offset"]));
        moved.Answers.Add(record);
        var back = DnsMessage.Parse(moved.ToArray());
        Assert.Equal(record.Data, ((UnknownRecord)back.Answers[1]).Data);
    }

    [Theory]
    [InlineData(39, "03 6e 65 77")]
    [InlineData(18, "00")]
    [InlineData(14, "00 00 00")]
    public void Parse_OpaqueTypeWithBrokenNames_IsFormatError(ushort type, string rdata)
    {
        var rd = Hex.Parse(rdata);
        var bytes = Hex.Parse($"00 01 81 00 00 00 00 01 00 00 00 00 00 {type >> 8:x2} {type & 0xFF:x2} 00 01 00 00 00 3c 00 {rd.Length:x2} {rdata}");
        Assert.IsType<DnsFormatException>(ParseGuard.Run(bytes));
    }

    [Fact]
    public void Parse_UpdateWithEmptyRdataForClassAnyAndNone_IsReadAndWrittenBack()
    {
        // UPDATE example. SOA: prerequisite "a.example. ANY A" (RRset exists), update "a.example. NONE A" (rdlen 0).
        const string hex = """
            00 05 28 00 00 01 00 01 00 01 00 00
            07 65 78 61 6d 70 6c 65 00 00 06 00 01
            01 61 c0 0c 00 01 00 ff 00 00 00 00 00 00
            c0 19 00 01 00 fe 00 00 00 00 00 00
            """;
        var m = DnsMessage.Parse(Hex.Parse(hex));
        Assert.Equal(OpCode.Update, m.OpCode);
        var prerequisite = Assert.IsType<UnknownRecord>(Assert.Single(m.Answers));
        Assert.Equal(DnsRecordType.A, prerequisite.Type);
        Assert.Equal(DnsClass.Any, prerequisite.Class);
        Assert.Empty(prerequisite.Data);
        Assert.Equal(DnsClass.None, Assert.Single(m.Authority).Class);
        Hex.Equal(hex, m.ToArray());
    }
}
