using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Whoami;

public sealed class WhoamiPluginTests
{
    [Fact]
    public async Task Query_AnyName_ReturnsClientAddressAndPortInAdditional()
    {
        var h = Dns.Testing.PluginHarness.Create("example.org {\n    whoami\n}\n");
        var reply = await h.QueryAsync(new DnsCase("Example.org.", DnsRecordType.A));
        DnsAssert.Matches(new DnsCase("Example.org.", DnsRecordType.A)
        {
            Authoritative = true,
            Extra = ["Example.org. 0 IN A 10.240.0.1", "_udp.Example.org. 0 IN SRV 0 0 40212 ."],
        }, reply);
    }

    [Theory]
    [InlineData("whoami extra")]
    [InlineData("whoami {\n}")]
    public void Setup_WithArguments_FailsWithLine(string directive)
    {
        var e = Assert.Throws<Dns.Core.Corefile.CorefileException>(() => Dns.Testing.PluginHarness.Create(".:53 {\n    " + directive + "\n}\n"));
        Assert.Equal(2, e.Line);
    }
}
