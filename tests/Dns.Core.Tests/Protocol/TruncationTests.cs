using System.Buffers.Binary;
using System.Net;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

public sealed class TruncationTests
{
    private static DnsMessage BigAnswer(int records, bool withOpt, int authority = 0, int additional = 0)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse("headless.default.svc.cluster.local."), DnsRecordType.A, 0x4242);
        var m = q.CreateResponse();
        m.AuthoritativeAnswer = true;
        for (var i = 0; i < records; i++)
        {
            m.Answers.Add(new ARecord(m.Question.Name, 5, new IPAddress([10, 0, (byte)(i / 256), (byte)(i % 256)])));
        }
        for (var i = 0; i < authority; i++)
        {
            m.Authority.Add(new NsRecord(DnsName.Parse("cluster.local."), 5, DnsName.Parse($"ns{i}.dns.cluster.local.")));
        }
        for (var i = 0; i < additional; i++)
        {
            m.Additional.Add(new ARecord(DnsName.Parse($"ns{i}.dns.cluster.local."), 5, IPAddress.Parse("10.96.0.10")));
        }
        if (withOpt)
        {
            m.Opt = new OptRecord { UdpPayloadSize = 1232, DnssecOk = true };
            m.Opt.Options.Add(new EdnsOption(10, new byte[16]));
        }
        return m;
    }

    private static (DnsMessage Parsed, byte[] Bytes) WriteAndParse(DnsMessage m, int maxSize)
    {
        var buf = new byte[DnsMessageWriter.MaxMessageSize];
        var n = DnsMessageWriter.Write(m, buf, maxSize);
        var bytes = buf.AsSpan(0, n).ToArray();
        return (DnsMessage.Parse(bytes), bytes);
    }

    [Theory]
    [InlineData(512, false)]
    [InlineData(512, true)]
    [InlineData(1232, true)]
    [InlineData(600, false)]
    public void Write_AnswerLargerThanMaxSize_TruncatesAtRecordBoundaryAndSetsTc(int maxSize, bool withOpt)
    {
        var m = BigAnswer(200, withOpt);
        var (parsed, bytes) = WriteAndParse(m, maxSize);

        Assert.True(bytes.Length <= maxSize, $"{bytes.Length} > {maxSize}");
        Assert.True(parsed.Truncated);
        // The header counts match the records present (the parse would fail otherwise) and no record is cut.
        Assert.InRange(parsed.Answers.Count, 1, 199);
        Assert.Equal(m.Answers.Take(parsed.Answers.Count), parsed.Answers);
        // One more record would not have fitted.
        Assert.True(bytes.Length + 16 > maxSize, $"{bytes.Length} bytes: another 16-byte A record would fit in {maxSize}");
        Assert.Equal(withOpt ? 1 : 0, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10)));
        if (withOpt)
        {
            // OPT is still there, and last: the final 11 + 20 bytes are it.
            Assert.NotNull(parsed.Opt);
            Assert.Equal(m.Opt!.Options, parsed.Opt.Options);
            Assert.Equal([0x00, 0x00, 0x29], bytes[^31..^28]);
        }
        Assert.Equal(m.Question, parsed.Question);
        // The source message is not changed.
        Assert.Equal(200, m.Answers.Count);
        Assert.False(m.Truncated);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_MessageThatFits_IsNotTruncated(bool withOpt)
    {
        var m = BigAnswer(10, withOpt, authority: 1, additional: 1);
        var full = m.ToArray();
        var (parsed, bytes) = WriteAndParse(m, full.Length);

        Assert.Equal(full, bytes);
        Assert.False(parsed.Truncated);
        MessageAssert.Equal(m, parsed);
    }

    [Fact]
    public void Write_OneByteShort_DropsTheLastAdditionalOnly()
    {
        var m = BigAnswer(3, withOpt: true, authority: 1, additional: 2);
        var full = m.ToArray();
        var (parsed, bytes) = WriteAndParse(m, full.Length - 1);

        Assert.True(parsed.Truncated);
        Assert.Equal(3, parsed.Answers.Count);
        Assert.Single(parsed.Authority);
        Assert.Single(parsed.Additional);
        Assert.NotNull(parsed.Opt);
        Assert.True(bytes.Length < full.Length);
    }

    [Fact]
    public void Write_AuthorityDoesNotFit_LaterSectionsAreEmpty()
    {
        // miekg/dns Truncate stops at the first record that does not fit, in any section.
        var m = BigAnswer(2, withOpt: false, authority: 40, additional: 3);
        var (parsed, _) = WriteAndParse(m, 512);

        Assert.True(parsed.Truncated);
        Assert.Equal(2, parsed.Answers.Count);
        Assert.InRange(parsed.Authority.Count, 1, 39);
        Assert.Empty(parsed.Additional);
    }

    [Fact]
    public void Write_TruncatedRecordRolledBack_LaterNamesDoNotPointIntoIt()
    {
        // The record that does not fit registered its names for compression; after the rollback no later
        // record (here the OPT is the only one) may refer to them: every pointer must land inside the message.
        var m = BigAnswer(0, withOpt: true, authority: 30);
        var (parsed, bytes) = WriteAndParse(m, 300);
        Assert.True(parsed.Truncated);
        Assert.True(bytes.Length <= 300);
        Assert.All(parsed.Authority, r => Assert.StartsWith("ns", ((NsRecord)r).Target.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Write_QuestionDoesNotFit_SendsHeaderWithTc()
    {
        var m = BigAnswer(1, withOpt: false);
        var buf = new byte[64];
        var n = DnsMessageWriter.Write(m, buf, 20);
        var parsed = DnsMessage.Parse(buf.AsSpan(0, n));
        Assert.Equal(12, n);
        Assert.True(parsed.Truncated);
        Assert.Empty(parsed.Questions);
        Assert.Empty(parsed.Answers);
    }

    [Fact]
    public void Write_NoRoomForOpt_LeavesItOutAndCountsAgree()
    {
        var m = BigAnswer(1, withOpt: true);
        var buf = new byte[64];
        var n = DnsMessageWriter.Write(m, buf, 30);
        var parsed = DnsMessage.Parse(buf.AsSpan(0, n));
        Assert.True(parsed.Truncated);
        Assert.Null(parsed.Opt);
    }

    [Fact]
    public void Write_AlreadyTruncatedMessage_KeepsTc()
    {
        var m = BigAnswer(1, withOpt: false);
        m.Truncated = true;
        var (parsed, _) = WriteAndParse(m, 512);
        Assert.True(parsed.Truncated);
        Assert.Single(parsed.Answers);
    }

    [Fact]
    public void Write_DestinationSmallerThanMaxSize_IsTheLimit()
    {
        var m = BigAnswer(100, withOpt: false);
        var buf = new byte[700];
        var n = DnsMessageWriter.Write(m, buf, 4096);
        Assert.True(n <= 700);
        Assert.True(DnsMessage.Parse(buf.AsSpan(0, n)).Truncated);
    }
}
