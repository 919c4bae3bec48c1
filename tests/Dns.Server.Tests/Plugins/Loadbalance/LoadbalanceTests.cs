using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Loadbalance;
using Dns.Server.Tests.Plugins.Health;
using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Loadbalance;

public sealed class LoadbalanceTests
{
    [Theory]
    [InlineData("loadbalance", 0)]
    [InlineData("loadbalance round_robin", 0)]
    [InlineData("loadbalance {\n prefer 10.0.0.0/8 fd00::/8\n}", 2)]
    public void Parse_ValidSyntax_ReturnsOptions(string directive, int prefer)
    {
        var o = LoadbalanceSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "loadbalance"));
        Assert.Equal(prefer, o.Prefer.Count);
    }

    [Theory]
    [InlineData("loadbalance random", "unknown policy: random")]
    [InlineData("loadbalance round_robin extra", "unknown property for round_robin")]
    [InlineData("loadbalance weighted w.txt", "weighted policy is not supported")]
    [InlineData("loadbalance {\n prefer 10.0.0.0\n}", "invalid CIDR")]
    [InlineData("loadbalance {\n foo\n}", "unknown property 'foo'")]
    public void Parse_InvalidSyntax_FailsWithReason(string directive, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => LoadbalanceSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "loadbalance")));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundRobin_MixedSection_CnamesThenOthersThenAddressesThenMx()
    {
        var records = Records(
            "mx.example.org. 30 IN MX 10 a.example.org.",
            "a.example.org. 30 IN A 10.0.0.1",
            "example.org. 30 IN TXT \"x\"",
            "www.example.org. 30 IN CNAME example.org.",
            "a.example.org. 30 IN AAAA ::1",
            "mx.example.org. 30 IN MX 20 b.example.org.",
            "a.example.org. 30 IN A 10.0.0.2");
        for (var i = 0; i < 50; i++)
        {
            var types = LoadbalancePlugin.RoundRobin([.. records]).Select(r => r.Type).ToArray();
            Assert.Equal(DnsRecordType.Cname, types[0]);
            Assert.Equal(DnsRecordType.Txt, types[1]);
            Assert.All(types[2..5], t => Assert.True(t is DnsRecordType.A or DnsRecordType.Aaaa));
            Assert.All(types[5..], t => Assert.Equal(DnsRecordType.Mx, t));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Shuffle_AllA_IsPermutationAndEveryRecordReachesFirstPlace(int n)
    {
        var records = Enumerable.Range(1, n).Select(i => RecordText.Parse($"a.example.org. 30 IN A 10.0.0.{i}")).ToList();
        var firsts = new HashSet<DnsRecord>();
        for (var i = 0; i < 400; i++)
        {
            var shuffled = LoadbalancePlugin.RoundRobin([.. records]);
            Assert.Equal(records.OrderBy(r => r.DataText), shuffled.OrderBy(r => r.DataText));
            firsts.Add(shuffled[0]);
        }
        Assert.Equal(n, firsts.Count);
    }

    [Fact]
    public void RoundRobin_AllSrv_KeepsOrder()
    {
        var records = Records("_x._tcp.example.org. 30 IN SRV 0 0 80 a.example.org.", "_x._tcp.example.org. 30 IN SRV 0 0 80 b.example.org.");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(records, LoadbalancePlugin.RoundRobin([.. records]));
        }
    }

    [Fact]
    public async Task Invoke_SharedResponse_NotMutated()
    {
        var shared = DnsMessage.CreateQuery(DnsName.Parse("a.example.org."), DnsRecordType.A).CreateResponse();
        for (var i = 1; i <= 6; i++)
        {
            shared.Answers.Add(RecordText.Parse($"a.example.org. 30 IN A 10.0.0.{i}"));
        }
        var original = shared.Answers.ToArray();
        var plugin = new LoadbalancePlugin(new LoadbalanceOptions([]));
        var changed = false;
        for (var i = 0; i < 50; i++)
        {
            var ctx = Ctx(shared);
            await plugin.InvokeAsync(ctx, c =>
            {
                c.Response = shared;
                return default;
            });
            Assert.NotSame(shared, ctx.Response);
            changed |= !ctx.Response!.Answers.SequenceEqual(original);
        }
        Assert.Equal(original, shared.Answers);
        Assert.True(changed);
    }

    [Theory]
    [InlineData(ResponseCode.NxDomain, DnsRecordType.A)]
    [InlineData(ResponseCode.NoError, DnsRecordType.Axfr)]
    [InlineData(ResponseCode.NoError, DnsRecordType.Ixfr)]
    public async Task Invoke_NotShuffled_SameMessage(ResponseCode code, DnsRecordType type)
    {
        var reply = DnsMessage.CreateQuery(DnsName.Parse("a.example.org."), type).CreateResponse();
        reply.ResponseCode = code;
        for (var i = 1; i <= 4; i++)
        {
            reply.Answers.Add(RecordText.Parse($"a.example.org. 30 IN A 10.0.0.{i}"));
        }
        var ctx = Ctx(reply);
        await new LoadbalancePlugin(new LoadbalanceOptions([])).InvokeAsync(ctx, c =>
        {
            c.Response = reply;
            return default;
        });
        Assert.Same(reply, ctx.Response);
    }

    [Fact]
    public void Prefer_AddressesInSubnetsFirstInSubnetOrder()
    {
        var records = Records(
            "a. 30 IN A 192.168.1.1",
            "a. 30 IN A 10.1.1.1",
            "a. 30 IN A 172.16.0.1",
            "w. 30 IN CNAME a.");
        var sorted = LoadbalancePlugin.Prefer(records, [(IPAddress.Parse("172.16.0.0"), 12), (IPAddress.Parse("10.0.0.0"), 8)]);
        Assert.Equal(["w.", "172.16.0.1", "10.1.1.1", "192.168.1.1"], sorted.Select(r => r.Type == DnsRecordType.Cname ? r.Name.Text : r.DataText));
    }

    private static List<DnsRecord> Records(params string[] lines) => lines.Select(RecordText.Parse).ToList();

    private static DnsContext Ctx(DnsMessage reply) =>
        new(DnsMessage.CreateQuery(reply.Question.Name, reply.Question.Type), DnsTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5353));
}
