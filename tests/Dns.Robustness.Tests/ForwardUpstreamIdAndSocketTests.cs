using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.11 "throughout": over 1,000 client queries with one fixed ID, through an upstream that answers,
/// stays silent, sends a wrong ID first, sends garbage first, truncates or resets TCP, the upstream sees IDs that are
/// never the client's and not sequential, and the process's socket count returns to where it was
/// (coredns/coredns#6090).
/// </summary>
[Collection(nameof(SocketCountCollection))]
public sealed class ForwardUpstreamIdAndSocketTests
{
    private const ushort ClientId = 0x4242;

    private static FakeReply Hostile(FakeRequest r)
    {
        var name = r.Query.Question.Name.Text;
        var good = FakeReply.Answer(r.Query, $"{name} 60 IN A 192.0.2.7");
        return r.Query.Question.Name.GetLabel(0)[0] switch
        {
            _ when r.Query.Question.Name.IsRoot => FakeReply.Of(good),
            's' => FakeReply.Drop,
            'w' => new FakeReply([(WithId(good, (ushort)(r.Query.Id ^ 0x0101)), TimeSpan.Zero), (good.ToArray(), TimeSpan.FromMilliseconds(5))]),
            'g' => new FakeReply([([0xde, 0xad, 0xbe, 0xef], TimeSpan.Zero), (good.ToArray(), TimeSpan.FromMilliseconds(5))]),
            't' when !r.Tcp => FakeReply.Of(Truncated(r.Query)),
            'r' when r.Tcp => FakeReply.Rst,
            _ => FakeReply.Of(good),
        };
    }

    private static byte[] WithId(DnsMessage m, ushort id)
    {
        var bytes = m.ToArray();
        bytes[0] = (byte)(id >> 8);
        bytes[1] = (byte)id;
        return bytes;
    }

    private static DnsMessage Truncated(DnsMessage q)
    {
        var m = FakeReply.Answer(q);
        m.Truncated = true;
        return m;
    }

    /// <summary>Query i: mostly answered names, with every hostile behaviour mixed in; every fifth over TCP.</summary>
    private static (string Name, bool Tcp) Plan(int i)
    {
        var kind = (i % 50) switch
        {
            0 => "s",
            1 or 2 => "w",
            3 or 4 => "g",
            5 or 6 => "t",
            7 or 8 or 9 or 10 => "r",
            _ => "a",
        };
        return ($"{kind}{i}.example.org.", i % 5 == 0 || kind == "r");
    }

    [Fact]
    public async Task ThousandQueriesHostileUpstream_IdsRandomNeverClientsAndNoSocketLeak()
    {
        await using var up = FakeUpstream.Start(Hostile);
        await using var server = await Attack.StartForwardAsync(up, "read_timeout 150ms", "expire 300ms");
        // Warm up both transports (JIT, pools) before the baseline.
        await RawDns.QueryUdpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("a-warm.example.org."), DnsRecordType.A, ClientId));
        await RawDns.QueryTcpAsync(server.EndPoint, DnsMessage.CreateQuery(DnsName.Parse("a-warm2.example.org."), DnsRecordType.A, ClientId));
        await Task.Delay(400);
        var baseline = Attack.OpenSockets();
        var warmup = up.Queries.Count;

        var rcodes = new ResponseCode?[1000];
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var (name, tcp) = Plan(i);
            var q = DnsMessage.CreateQuery(DnsName.Parse(name), DnsRecordType.A, ClientId);
            var r = tcp ? await RawDns.QueryTcpAsync(server.EndPoint, q, 3000) : await RawDns.QueryUdpAsync(server.EndPoint, q, 3000);
            rcodes[i] = r?.ResponseCode;
            if (r is not null)
            {
                Assert.Equal(ClientId, r.Id);
            }
        });

        // Every query got an answer of the right kind.
        for (var i = 0; i < 1000; i++)
        {
            var (name, _) = Plan(i);
            var expected = name[0] is 's' or 'r' ? ResponseCode.ServFail : ResponseCode.NoError;
            Assert.True(rcodes[i] == expected, $"{name}: {rcodes[i]?.ToString() ?? "no reply"}, expected {expected}");
        }
        var ids = up.Queries.Skip(warmup).Select(q => q.Query.Id).ToList();
        Assert.True(ids.Count >= 1000, $"{ids.Count} upstream queries");
        Assert.DoesNotContain(ClientId, ids);
        // Random 16-bit IDs: a few birthday collisions among ~1,100 draws, no arithmetic progression.
        Assert.True(ids.Distinct().Count() >= ids.Count * 97 / 100, $"{ids.Count - ids.Distinct().Count()} repeated IDs");
        var steps = ids.Zip(ids.Skip(1), (a, b) => (b - a + 65536) % 65536).Distinct().Count();
        Assert.True(steps >= ids.Count * 9 / 10, $"only {steps} distinct steps between consecutive IDs");

        // Per-query UDP sockets are closed, pooled TCP connections expire, reset ones are gone.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        int sockets;
        while ((sockets = Attack.OpenSockets()) > baseline && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(sockets <= baseline, $"{sockets} sockets open, {baseline} before");
        await Attack.AssertAliveAsync(server);
    }
}
