using Dns.Core.Corefile;
using Dns.Server.Plugins.Health;

namespace Dns.Server.Tests.Plugins.Health;

public sealed class HealthSetupTests
{
    [Theory]
    [InlineData("health", ":8080", 0)]
    [InlineData("health localhost:8091", "localhost:8091", 0)]
    [InlineData("health :0", ":0", 0)]
    [InlineData("health localhost:", "localhost:", 0)]
    [InlineData("health [::1]:8080", "[::1]:8080", 0)]
    [InlineData("health {\n lameduck 5s\n}", ":8080", 5000)]
    [InlineData("health 127.0.0.1:0 {\n lameduck 1.5s\n}", "127.0.0.1:0", 1500)]
    [InlineData("health :8080\n health :8081", ":8081", 0)]
    public void Parse_ValidSyntax_ReturnsOptions(string directive, string address, int lameduckMs)
    {
        var o = HealthSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "health"));
        Assert.Equal(address, o.Address);
        Assert.Equal(TimeSpan.FromMilliseconds(lameduckMs), o.Lameduck);
    }

    [Theory]
    [InlineData("health 8080", "missing port in address")]
    [InlineData("health :8080 :8081", "Wrong argument count")]
    [InlineData("health {\n lameduck\n}", "Wrong argument count")]
    [InlineData("health {\n lameduck 5\n}", "unable to parse lameduck duration value: \"5\"")]
    [InlineData("health {\n lameduck five\n}", "unable to parse lameduck duration value")]
    [InlineData("health {\n unknown 1s\n}", "Wrong argument count")]
    public void Parse_InvalidSyntax_FailsWithReason(string directive, string fragment)
    {
        var e = Assert.Throws<CorefileException>(() => HealthSetup.Parse(OpsTestHost.Dispenser(".:53 {\n " + directive + "\n}\n", "health")));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }
}
