using System.Net;
using System.Net.Sockets;
using CsCheck;
using DnsClient;
using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

/// <summary>
/// Independent parsers: ARSoft.Tools.Net reads what we write to the same content, and DnsClient's query bytes and
/// its reading of our reply agree with our codec.
/// </summary>
public sealed class InteropTests
{
    private static ARSoft.Tools.Net.Dns.DnsMessage ArsoftParse(byte[] bytes) => ARSoft.Tools.Net.Dns.DnsMessage.Parse(bytes);

    [Fact]
    public void ArsoftParse_HandCheckedReply_SeesSameContent()
    {
        var m = Messages.BigReply();
        Assert.Equal(ArsoftView.Of(m), ArsoftView.Of(ArsoftParse(m.ToArray())));
    }

    [Fact]
    public void ArsoftParse_Query_SeesSameContent()
    {
        var q = Messages.Query();
        q.Opt = new OptRecord { UdpPayloadSize = 4096, DnssecOk = true };
        Assert.Equal(ArsoftView.Of(q), ArsoftView.Of(ArsoftParse(q.ToArray())));
    }

    [Fact]
    public void ArsoftParse_BadVers_SeesExtendedRcode()
    {
        var m = new DnsMessage { Id = 9, IsResponse = true, ResponseCode = ResponseCode.BadVers, Opt = new OptRecord() };
        var parsed = ArsoftParse(m.ToArray());
        Assert.Equal(ARSoft.Tools.Net.Dns.ReturnCode.BadVersion, parsed.ReturnCode);
        Assert.Equal(ArsoftView.Of(m), ArsoftView.Of(parsed));
    }

    [Fact]
    public void ArsoftParse_RandomMessages_SeeSameContent()
    {
        MessageGen.Message.Sample(m =>
        {
            var bytes = m.ToArray();
            Assert.Equal(ArsoftView.Of(m), ArsoftView.Of(ArsoftParse(bytes)));
        }, iter: 1000);
    }

    [Fact]
    public void ArsoftParse_TruncatedReply_SeesTcAndMatchingCounts()
    {
        var m = Messages.BigReply();
        var buf = new byte[512];
        var n = DnsMessageWriter.Write(m, buf, 200);
        var parsed = ArsoftParse(buf[..n]);
        Assert.True(parsed.IsTruncated);
        Assert.True(parsed.IsEDnsEnabled);
        Assert.Equal(ArsoftView.Of(DnsMessage.Parse(buf.AsSpan(0, n))), ArsoftView.Of(parsed));
    }

    [Fact]
    public async Task DnsClient_QueryBytesAndOurReply_AgreeBothWays()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)server.Client.LocalEndPoint!;
        var client = new LookupClient(new LookupClientOptions(new NameServer(endpoint))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(5),
            UseTcpFallback = false,
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lookup = client.QueryAsync("Www.Example.org", QueryType.SRV, QueryClass.IN, cts.Token);

        // DnsClient's bytes, read by our parser.
        var received = await server.ReceiveAsync(cts.Token);
        var query = DnsMessage.Parse(received.Buffer);
        Assert.False(query.IsResponse);
        Assert.True(query.RecursionDesired);
        var question = Assert.Single(query.Questions);
        Assert.Equal("Www.Example.org.", question.Name.Text);
        Assert.Equal(DnsRecordType.Srv, question.Type);
        Assert.NotNull(query.Opt);

        // Our reply, read by DnsClient.
        var reply = query.CreateResponse();
        reply.AuthoritativeAnswer = true;
        reply.Answers.Add(new SrvRecord(question.Name, 30, 10, 20, 8080, DnsName.Parse("target.Example.org.")));
        reply.Answers.Add(new TxtRecord(question.Name, 30, ["a", "b c"]));
        reply.Additional.Add(new ARecord(DnsName.Parse("target.Example.org."), 30, IPAddress.Parse("10.0.0.7")));
        reply.Opt = new OptRecord { UdpPayloadSize = 1232 };
        await server.SendAsync(reply.ToArray(), received.RemoteEndPoint, cts.Token);

        var response = await lookup;
        Assert.False(response.HasError, response.ErrorMessage);
        Assert.Equal(query.Id, response.Header.Id);
        Assert.True(response.Header.HasAuthorityAnswer);
        var srv = Assert.Single(response.Answers.SrvRecords());
        Assert.Equal((ushort)10, srv.Priority);
        Assert.Equal((ushort)20, srv.Weight);
        Assert.Equal((ushort)8080, srv.Port);
        Assert.Equal("target.example.org.", srv.Target.Value.ToLowerInvariant());
        var txt = Assert.Single(response.Answers.TxtRecords());
        Assert.Equal(["a", "b c"], txt.Text);
        var a = Assert.Single(response.Additionals.ARecords());
        Assert.Equal(IPAddress.Parse("10.0.0.7"), a.Address);
    }

    [Fact]
    public async Task ArsoftClient_MessageWithEveryRecordKind_IsReadByOurParserAsArsoftMeantIt()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)server.Client.LocalEndPoint!).Port;
        var client = new ARSoft.Tools.Net.Dns.DnsClient(
            [IPAddress.Loopback], [new ARSoft.Tools.Net.Dns.UdpClientTransport(port)], false, 5000);

        static ARSoft.Tools.Net.DomainName D(string s) => ARSoft.Tools.Net.DomainName.Parse(s);
        var message = new ARSoft.Tools.Net.Dns.DnsMessage { IsRecursionDesired = true, IsCheckingDisabled = true };
        message.Questions.Add(new ARSoft.Tools.Net.Dns.DnsQuestion(D("www.Example.org"), ARSoft.Tools.Net.Dns.RecordType.A, ARSoft.Tools.Net.Dns.RecordClass.INet));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.ARecord(D("www.Example.org"), 300, IPAddress.Parse("192.0.2.1")));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.AaaaRecord(D("www.Example.org"), 300, IPAddress.Parse("2001:db8::1")));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.CNameRecord(D("alias.Example.org"), 60, D("www.Example.org")));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.MxRecord(D("Example.org"), 60, 10, D("mail.Example.org")));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.SrvRecord(D("_sip._udp.Example.org"), 60, 1, 2, 5060, D("sip.Example.org")));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.TxtRecord(D("Example.org"), 60, ["v=spf1 -all", "second"]));
        message.AnswerRecords.Add(new ARSoft.Tools.Net.Dns.PtrRecord(D("1.2.0.192.in-addr.arpa"), 60, D("www.Example.org")));
        message.AuthorityRecords.Add(new ARSoft.Tools.Net.Dns.NsRecord(D("Example.org"), 60, D("ns1.Example.org")));
        message.AuthorityRecords.Add(new ARSoft.Tools.Net.Dns.SoaRecord(D("Example.org"), 60, D("ns1.Example.org"), D("hostmaster.Example.org"), 7, 7200, 1800, 86400, 30));
        message.AdditionalRecords.Add(new ARSoft.Tools.Net.Dns.HInfoRecord(D("Example.org"), 60, "cpu", "os"));
        message.EDnsOptions = new ARSoft.Tools.Net.Dns.OptRecord { UdpPayloadSize = 1232, IsDnsSecOk = true };

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var send = client.SendMessageAsync(message, cts.Token);
        var received = await server.ReceiveAsync(cts.Token);

        var ours = DnsMessage.Parse(received.Buffer);
        var theirs = ArsoftParse(received.Buffer);
        Assert.Equal(ArsoftView.Of(theirs), ArsoftView.Of(ours));
        Assert.Equal(7, ours.Answers.Count);
        Assert.Equal("www.Example.org.", ours.Question.Name.Text);
        Assert.Equal(["v=spf1 -all", "second"], ((TxtRecord)ours.Answers[5]).Strings);
        Assert.True(ours.Opt!.DnssecOk);

        // Answer it so the client completes; ARSoft reads our reply.
        var reply = ours.CreateResponse();
        reply.Answers.Add(new ARecord(ours.Question.Name, 5, IPAddress.Parse("10.1.2.3")));
        await server.SendAsync(reply.ToArray(), received.RemoteEndPoint, cts.Token);
        var answer = await send;
        Assert.NotNull(answer);
        var a = Assert.IsType<ARSoft.Tools.Net.Dns.ARecord>(Assert.Single(answer.AnswerRecords));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), a.Address);
    }
}
