using System.Net;
using System.Text;
using Dns.Testing;
using DnsClient;

namespace Dns.EndToEnd.Tests;

public sealed class HostsEndToEndTests : IAsyncLifetime
{
    private TestDnsServer _server = null!;

    private static string Corefile()
    {
        var sb = new StringBuilder();
        sb.Append("example.org:0 10.in-addr.arpa:0 {\n    errors\n    hosts {\n");
        sb.Append("        10.0.0.1 www.example.org\n        fd00::1 www.example.org\n        10.0.0.2 v4only.example.org\n");
        for (var i = 0; i < 100; i++)
        {
            sb.Append("        10.1.0.").Append(i).Append(" big.example.org\n");
        }
        sb.Append("        reload 0\n    }\n}\n");
        return sb.ToString();
    }

    public async Task InitializeAsync() => _server = await TestDnsServer.StartAsync(Corefile());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("+notcp", "www.example.org", "A", "www.example.org. 3600 IN A 10.0.0.1")]
    [InlineData("+tcp", "www.example.org", "A", "www.example.org. 3600 IN A 10.0.0.1")]
    [InlineData("+notcp", "WWW.Example.Org", "A", "www.example.org. 3600 IN A 10.0.0.1")]
    [InlineData("+notcp", "www.example.org", "AAAA", "www.example.org. 3600 IN AAAA fd00::1")]
    [InlineData("+tcp", "www.example.org", "AAAA", "www.example.org. 3600 IN AAAA fd00::1")]
    [InlineData("+notcp", "1.0.0.10.in-addr.arpa", "PTR", "1.0.0.10.in-addr.arpa. 3600 IN PTR www.example.org.")]
    [InlineData("+tcp", "1.0.0.10.in-addr.arpa", "PTR", "1.0.0.10.in-addr.arpa. 3600 IN PTR www.example.org.")]
    public async Task Dig_KnownName_AuthoritativeAnswer(string transport, string name, string type, string answer)
    {
        var dig = await Dig.RunAsync(_server.Port, transport, name, type);
        Assert.Equal("NOERROR", dig.Status);
        Assert.Equal([answer], dig.Section("ANSWER"));
        Assert.Contains("aa", dig.Flags.Split(' '));
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_NameWithOtherFamilyOnly_NoDataWithoutSoa(string transport)
    {
        var dig = await Dig.RunAsync(_server.Port, transport, "v4only.example.org", "AAAA");
        Assert.Equal("NOERROR", dig.Status);
        Assert.Empty(dig.Section("ANSWER"));
        Assert.Empty(dig.Section("AUTHORITY"));
        Assert.Contains("aa", dig.Flags.Split(' '));
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_AbsentName_ServfailAsCoreDnsHosts(string transport)
    {
        // CoreDNS hosts has no SOA to build an NXDOMAIN with and answers SERVFAIL instead (hosts.go).
        var dig = await Dig.RunAsync(_server.Port, transport, "nope.example.org", "A");
        Assert.Equal("SERVFAIL", dig.Status);
        Assert.Empty(dig.Section("AUTHORITY"));
    }

    [Fact]
    public async Task Dig_OutsideServedZones_Refused()
    {
        var dig = await Dig.RunAsync(_server.Port, "www.example.com", "A");
        Assert.Equal("REFUSED", dig.Status);
    }

    [Fact]
    public async Task Dig_AnswerTooBigForUdp_TruncatedThenFullOverTcp()
    {
        var udp = await Dig.RunAsync(_server.Port, "+ignore", "+notcp", "big.example.org", "A");
        Assert.Equal("NOERROR", udp.Status);
        Assert.Contains("tc", udp.Flags.Split(' '));
        Assert.True(udp.Section("ANSWER").Count < 100);

        var retried = await Dig.RunAsync(_server.Port, "big.example.org", "A");
        Assert.Contains("Truncated, retrying in TCP mode", retried.Output, StringComparison.Ordinal);
        Assert.Equal(100, retried.Section("ANSWER").Count);
        Assert.DoesNotContain("tc", retried.Flags.Split(' '));
    }

    [Fact]
    public async Task Dig_NoEdns_TruncatedAt512()
    {
        var udp = await Dig.RunAsync(_server.Port, "+ignore", "+noedns", "big.example.org", "A");
        Assert.Contains("tc", udp.Flags.Split(' '));
        Assert.Contains("MSG SIZE  rcvd: ", udp.Output, StringComparison.Ordinal);
        var size = int.Parse(udp.Output[(udp.Output.IndexOf("MSG SIZE  rcvd: ", StringComparison.Ordinal) + 16)..].Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(size, 400, 512);
    }

    private LookupClient Client(bool tcp) => new(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, _server.Port))
    {
        UseCache = false,
        Retries = 0,
        Timeout = TimeSpan.FromSeconds(2),
        UseTcpOnly = tcp,
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DnsClient_LookupA_AnswersFromHosts(bool tcp)
    {
        var r = await Client(tcp).QueryAsync("www.example.org", QueryType.A);
        Assert.False(r.HasError, r.ErrorMessage);
        Assert.True(r.Header.HasAuthorityAnswer);
        Assert.Equal([IPAddress.Parse("10.0.0.1")], r.Answers.ARecords().Select(a => a.Address));
    }

    [Fact]
    public async Task DnsClient_ReverseLookup_FindsName()
    {
        var r = await Client(false).QueryReverseAsync(IPAddress.Parse("10.0.0.2"));
        Assert.Equal(["v4only.example.org."], r.Answers.PtrRecords().Select(p => p.PtrDomainName.Value));
    }

    [Fact]
    public async Task DnsClient_BigAnswer_FallsBackToTcpAndGetsAll()
    {
        var r = await Client(false).QueryAsync("big.example.org", QueryType.A);
        Assert.Equal(100, r.Answers.ARecords().Count());
    }

    [Fact]
    public async Task DnsClient_NoData_NoErrorEmpty()
    {
        var r = await Client(false).QueryAsync("v4only.example.org", QueryType.AAAA);
        Assert.Equal(DnsHeaderResponseCode.NoError, r.Header.ResponseCode);
        Assert.Empty(r.Answers);
    }
}
