using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>What the fake upstream does with one query: packets to send (each after a delay), or a TCP reset.</summary>
public sealed record FakeReply(IReadOnlyList<(byte[] Packet, TimeSpan Delay)> Packets, bool Reset = false)
{
    public static readonly FakeReply Drop = new([]);

    public static readonly FakeReply Rst = new([], Reset: true);

    public static FakeReply Of(DnsMessage m, TimeSpan delay = default) => new([(m.ToArray(), delay)]);

    public static FakeReply Raw(params byte[][] packets)
    {
        var list = new List<(byte[], TimeSpan)>();
        foreach (var p in packets)
        {
            list.Add((p, TimeSpan.Zero));
        }
        return new FakeReply(list);
    }

    /// <summary>A reply with the query's ID and question, RA set and the given answers.</summary>
    public static DnsMessage Answer(DnsMessage query, params string[] answers)
    {
        var r = query.CreateResponse();
        r.RecursionAvailable = true;
        foreach (var a in answers)
        {
            r.Answers.Add(Dns.Testing.RecordText.Parse(a));
        }
        if (query.Opt is not null)
        {
            r.Opt = new OptRecord { UdpPayloadSize = 1232, DnssecOk = query.Opt.DnssecOk };
        }
        return r;
    }
}
