using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;

namespace Dns.Server.Tests.Hosting;

public sealed class AddressRunsTests
{
    private static readonly DnsName Q = DnsName.Parse("svc.test.");

    [Fact]
    public void Find_CnameThenAddresses_OneRunOfPointerOwnedBlocks()
    {
        var target = DnsName.Parse("target.test.");
        var bytes = Reply(m =>
        {
            m.Answers.Add(new CnameRecord(Q, 30, target));
            for (var i = 1; i <= 3; i++)
            {
                m.Answers.Add(new ARecord(target, 30, new IPAddress([10, 0, 0, (byte)i])));
            }
        });
        var runs = AddressRuns.Find(bytes, ReplaySections.Answer);
        Assert.NotNull(runs);
        Assert.Equal(3, runs.Length);
        Assert.Equal(3, runs[1]);
        Assert.Equal(16, runs[2]);

        ulong state = 42;
        var shuffled = (byte[])bytes.Clone();
        for (var k = 0; k < 5; k++)
        {
            AddressRuns.Shuffle(shuffled, runs, ref state);
            var parsed = DnsMessage.Parse(shuffled);
            Assert.IsType<CnameRecord>(parsed.Answers[0]);
            Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], parsed.Answers.Skip(1).Select(r => ((ARecord)r).Address.ToString()).Order());
        }
    }

    [Fact]
    public void Find_MixedAAndAaaa_NoRun()
    {
        var bytes = Reply(m =>
        {
            m.Answers.Add(new ARecord(Q, 30, IPAddress.Parse("10.0.0.1")));
            m.Answers.Add(new AaaaRecord(Q, 30, IPAddress.Parse("fd00::1")));
        });
        Assert.Null(AddressRuns.Find(bytes, ReplaySections.Answer));
    }

    [Fact]
    public void Find_OwnerWrittenInFull_NoRun()
    {
        // The first additional owner is a new name written in full: moving it would break later pointers.
        var bytes = Reply(m =>
        {
            m.Additional.Add(new ARecord(DnsName.Parse("a.other."), 30, IPAddress.Parse("10.0.0.1")));
            m.Additional.Add(new ARecord(DnsName.Parse("a.other."), 30, IPAddress.Parse("10.0.0.2")));
        });
        Assert.Null(AddressRuns.Find(bytes, ReplaySections.Additional));
    }

    [Fact]
    public void Find_Truncated_NoRun()
    {
        var bytes = Reply(m =>
        {
            m.Truncated = true;
            m.Answers.Add(new ARecord(Q, 30, IPAddress.Parse("10.0.0.1")));
            m.Answers.Add(new ARecord(Q, 30, IPAddress.Parse("10.0.0.2")));
        });
        Assert.Null(AddressRuns.Find(bytes, ReplaySections.Answer));
    }

    private static byte[] Reply(Action<DnsMessage> fill)
    {
        var m = DnsMessage.CreateQuery(Q, DnsRecordType.A, 1).CreateResponse();
        fill(m);
        return m.ToArray();
    }
}
