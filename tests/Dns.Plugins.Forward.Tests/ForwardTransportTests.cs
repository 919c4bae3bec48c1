using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Testing;
using static Dns.Plugins.Forward.Tests.ForwardTestSupport;

namespace Dns.Plugins.Forward.Tests;

public sealed class ForwardTransportTests
{
    /// <summary>UDP gets an empty TC reply, TCP the full answer (a big RRset).</summary>
    private static FakeUpstream TruncatingUpstream() => FakeUpstream.Start(r =>
    {
        var m = FakeReply.Answer(r.Query);
        if (!r.Tcp)
        {
            m.Truncated = true;
            return FakeReply.Of(m);
        }
        for (var i = 1; i <= 100; i++)
        {
            m.Answers.Add(RecordText.Parse($"{r.Query.Question.Name.Text} 60 IN A 10.0.0.{i}"));
        }
        return FakeReply.Of(m);
    });

    [Fact]
    public async Task Transport_UdpClientTruncatedReply_TcPassedToClient()
    {
        await using var up = TruncatingUpstream();
        using var f = ForwardUnderTest.Create($"forward . {up.Address}");

        var ctx = await f.RunAsync("big.example.org");

        Assert.True(ctx.Response!.Truncated);
        Assert.All(up.Queries, q => Assert.False(q.Tcp));
    }

    [Fact]
    public async Task Transport_PreferUdpTruncated_RetriedOverTcp()
    {
        await using var up = TruncatingUpstream();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n prefer_udp\n}}");

        var ctx = await f.RunAsync("big.example.org", DnsTransport.Tcp);

        Assert.False(ctx.Response!.Truncated);
        Assert.Equal(100, ctx.Response.Answers.Count);
        Assert.Equal([false, true], up.Queries.Select(q => q.Tcp));
    }

    [Theory]
    [InlineData(DnsTransport.Udp, "", false)]
    [InlineData(DnsTransport.Tcp, "", true)]
    [InlineData(DnsTransport.Udp, "force_tcp", true)]
    [InlineData(DnsTransport.Tcp, "prefer_udp", false)]
    [InlineData(DnsTransport.Tcp, "force_tcp\n prefer_udp", true)]
    [InlineData(DnsTransport.Tls, "", true)]
    [InlineData(DnsTransport.Https, "", true)]
    [InlineData(DnsTransport.Internal, "", false)]
    public async Task Transport_ClientAndOptions_UpstreamProtocol(DnsTransport client, string option, bool upstreamTcp)
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n {option}\n}}");

        var ctx = await f.RunAsync("example.org", client);

        Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
        Assert.Equal(upstreamTcp, Assert.Single(up.Queries).Tcp);
    }

    [Fact]
    public async Task Transport_ForceTcp_ConnectionReusedAndCounted()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n force_tcp\n}}");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ResponseCode.NoError, (await f.RunAsync($"q{i}.example.org")).Response!.ResponseCode);
        }

        Assert.Equal(1, up.TcpAccepts);
        Assert.Equal(1, f.Sample($"coredns_proxy_conn_cache_misses_total{{proxy_name=\"forward\",to=\"{up.Address}\",proto=\"tcp\"}}"));
        Assert.Equal(4, f.Sample($"coredns_proxy_conn_cache_hits_total{{proxy_name=\"forward\",to=\"{up.Address}\",proto=\"tcp\"}}"));
    }

    [Fact]
    public async Task Transport_IdleLongerThanExpire_NewConnection()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n force_tcp\n expire 100ms\n}}");

        await f.RunAsync("a.example.org");
        Assert.Equal(1, f.Upstreams[0].IdleConnections);
        Assert.True(await EventuallyAsync(() => Task.FromResult(f.Upstreams[0].IdleConnections == 0), TimeSpan.FromSeconds(2)), "idle connection not closed");
        await f.RunAsync("b.example.org");

        Assert.Equal(2, up.TcpAccepts);
    }

    [Fact]
    public async Task Transport_UpstreamClosesIdleConnection_QueryStillAnswered()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n force_tcp\n}}");
        await f.RunAsync("a.example.org");

        // The server drops the connection while it sits in our pool.
        up.Stop();
        up.Restart();
        var ctx = await f.RunAsync("b.example.org");

        Assert.Equal(ResponseCode.NoError, ctx.Response!.ResponseCode);
        Assert.Equal(2, up.TcpAccepts);
    }

    [Fact]
    public async Task Transport_TcpReset_ServFailThenRecovers()
    {
        var reset = true;
        await using var up = FakeUpstream.Start(r => reset
            ? FakeReply.Rst
            : FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.1")));
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n force_tcp\n max_fails 0\n}}");

        var failed = await f.RunAsync("a.example.org");
        Assert.Equal(ResponseCode.ServFail, failed.Response!.ResponseCode);
        Assert.Contains("connection reset by peer", failed.Error, StringComparison.Ordinal);

        reset = false;
        var ok = await f.RunAsync("b.example.org");
        Assert.Equal(ResponseCode.NoError, ok.Response!.ResponseCode);
    }

    [Fact]
    public async Task Metrics_RequestDuration_ByUpstreamAndRcode()
    {
        await using var up = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {up.Address}");

        await f.RunAsync("a.example.org");
        await f.RunAsync("b.example.org");

        Assert.Equal(2, f.Sample($"coredns_proxy_request_duration_seconds_count{{proxy_name=\"forward\",to=\"{up.Address}\",rcode=\"NOERROR\"}}"));
        Assert.Equal(2, f.Sample($"coredns_proxy_conn_cache_misses_total{{proxy_name=\"forward\",to=\"{up.Address}\",proto=\"udp\"}}"));
    }

    [Theory]
    [InlineData("sequential", 10, 0)]
    [InlineData("round_robin", 5, 5)]
    public async Task Policy_Deterministic_Distribution(string policy, int first, int second)
    {
        await using var a = FakeUpstream.Answering();
        await using var b = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {a.Address} {b.Address} {{\n policy {policy}\n}}");

        for (var i = 0; i < 10; i++)
        {
            await f.RunAsync($"q{i}.example.org");
        }

        Assert.Equal(first, a.Queries.Count);
        Assert.Equal(second, b.Queries.Count);
    }

    [Fact]
    public async Task Policy_Random_UsesEveryUpstream()
    {
        await using var a = FakeUpstream.Answering();
        await using var b = FakeUpstream.Answering();
        await using var c = FakeUpstream.Answering();
        using var f = ForwardUnderTest.Create($"forward . {a.Address} {b.Address} {c.Address}");

        for (var i = 0; i < 60; i++)
        {
            await f.RunAsync($"q{i}.example.org");
        }

        Assert.All(new[] { a, b, c }, u => Assert.InRange(u.Queries.Count, 5, 40));
    }

    [Fact]
    public async Task Tls_SelfSignedWithCaAndServerName_Answered()
    {
        using var tls = TestCertificate.Create("dns.test");
        await using var up = FakeUpstream.Start(
            r => FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.53")), tls.Certificate);
        using var f = ForwardUnderTest.Create($"forward . tls://{up.Address} {{\n tls {tls.CaFile}\n tls_servername dns.test\n}}");

        var first = await f.RunAsync("a.example.org");
        var second = await f.RunAsync("b.example.org");

        Assert.Equal(ResponseCode.NoError, first.Response!.ResponseCode);
        Assert.Equal(ResponseCode.NoError, second.Response!.ResponseCode);
        Assert.All(up.Queries, q => Assert.True(q.Tcp));
        Assert.Equal(1, up.TcpAccepts);
        Assert.Equal(1, f.Sample($"coredns_proxy_conn_cache_hits_total{{proxy_name=\"forward\",to=\"{up.Address}\",proto=\"tcp-tls\"}}"));
    }

    [Fact]
    public async Task Tls_ServerNameInAddress_Answered()
    {
        using var tls = TestCertificate.Create("dns.test");
        await using var up = FakeUpstream.Start(r => FakeReply.Of(FakeReply.Answer(r.Query)), tls.Certificate);
        using var f = ForwardUnderTest.Create($"forward . tls://127.0.0.1%dns.test:{up.Port} {{\n tls {tls.CaFile}\n}}");

        Assert.Equal(ResponseCode.NoError, (await f.RunAsync("a.example.org")).Response!.ResponseCode);
    }

    [Theory]
    [InlineData("tls_servername wrong.test", true)]
    [InlineData("tls_servername dns.test", false)]
    public async Task Tls_UntrustedOrWrongName_ServFail(string option, bool withCa)
    {
        using var tls = TestCertificate.Create("dns.test");
        await using var up = FakeUpstream.Start(r => FakeReply.Of(FakeReply.Answer(r.Query)), tls.Certificate);
        var ca = withCa ? $"tls {tls.CaFile}\n" : "";
        using var f = ForwardUnderTest.Create($"forward . tls://{up.Address} {{\n {ca} {option}\n max_fails 0\n}}");

        var ctx = await f.RunAsync("a.example.org");

        Assert.Equal(ResponseCode.ServFail, ctx.Response!.ResponseCode);
        Assert.StartsWith("dial tcp-tls", ctx.Error, StringComparison.Ordinal);
        Assert.Empty(up.Queries);
    }
}

/// <summary>A self-signed server certificate and its PEM file (the CA for the client).</summary>
internal sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, string caFile)
    {
        Certificate = certificate;
        CaFile = caFile;
    }

    public X509Certificate2 Certificate { get; }

    public string CaFile { get; }

    public static TestCertificate Create(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var withKey = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
        var path = Path.Combine(Path.GetTempPath(), "ca-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, cert.ExportCertificatePem());
        return new TestCertificate(withKey, path);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        File.Delete(CaFile);
    }
}
