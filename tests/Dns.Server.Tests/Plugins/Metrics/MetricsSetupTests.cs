using Dns.Core.Corefile;
using Dns.Server.Plugins.Metrics;
using Dns.Server.Tests.Plugins.Health;

namespace Dns.Server.Tests.Plugins.Metrics;

public sealed class MetricsSetupTests
{
    [Theory]
    [InlineData("prometheus", "localhost:9153")]
    [InlineData("prometheus :9153", ":9153")]
    [InlineData("prometheus localhost:{$NO_SUCH_VARIABLE_HOPEFULLY}9253", "localhost:9253")]
    [InlineData("prometheus 127.0.0.1:0", "127.0.0.1:0")]
    public void Parse_ValidSyntax_ReturnsAddress(string directive, string address)
    {
        var o = MetricsSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "prometheus"));
        Assert.Equal(address, o.Address);
    }

    [Theory]
    [InlineData("prometheus 9153", "missing port in address")]
    [InlineData("prometheus :1 :2", "Wrong argument count")]
    [InlineData("prometheus\n prometheus :9154", "only be used once per Server Block")]
    [InlineData("prometheus {\n foo\n}", "unknown option: foo")]
    [InlineData("prometheus {\n tls web.yml\n}", "tls is not supported")]
    public void Parse_InvalidSyntax_FailsWithReason(string directive, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => MetricsSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "prometheus")));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }
}
