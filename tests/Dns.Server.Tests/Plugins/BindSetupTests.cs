using System.Net;
using Dns.Server.Plugins.Bind;

namespace Dns.Server.Tests.Plugins;

public sealed class BindSetupTests
{
    private static readonly BindSetup Fake = new(() =>
    [
        ("lo", [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::1")]),
        ("eth0", [IPAddress.Parse("192.0.2.2"), IPAddress.Parse("fe80::1%2")]),
    ]);

    private static string[] Bound(string body)
    {
        var h = PluginHarness.Create(".:53 {\n" + body + "\n}", "bind", setup: Fake);
        Assert.Empty(h.Plugins);
        return [.. h.Config.BindAddresses.Select(a => a.ToString())];
    }

    [Theory]
    [InlineData("bind 127.0.0.1", new[] { "127.0.0.1" })]
    [InlineData("bind 127.0.0.1 ::1", new[] { "127.0.0.1", "::1" })]
    [InlineData("bind 127.0.0.1\nbind ::1", new[] { "127.0.0.1", "::1" })]
    [InlineData("bind lo", new[] { "127.0.0.1", "::1" })]
    [InlineData("bind lo {\n except 127.0.0.1\n}", new[] { "::1" })]
    [InlineData("bind lo eth0 {\n except eth0\n}", new[] { "127.0.0.1", "::1" })]
    [InlineData("bind eth0", new[] { "192.0.2.2", "fe80::1%2" })]
    [InlineData("bind 127.0.0.1 127.0.0.1", new[] { "127.0.0.1" })]
    public void Setup_AddressesAndInterfaces_Resolved(string body, string[] expected) =>
        Assert.Equal(expected, Bound(body));

    [Fact]
    public void Setup_ExceptAppliesToItsOwnLine()
    {
        Assert.Equal(["::1", "127.0.0.1"], Bound("bind lo {\n except 127.0.0.1\n}\nbind 127.0.0.1"));
    }

    [Theory]
    [InlineData("bind", "at least one address or interface name is expected")]
    [InlineData("bind 300.1.1.1", "not a valid IP address or interface name: \"300.1.1.1\"")]
    [InlineData("bind nosuchif", "not a valid IP address or interface name: \"nosuchif\"")]
    [InlineData("bind lo {\n except\n}", "at least one address or interface must be given to except subdirective")]
    [InlineData("bind lo {\n only 127.0.0.1\n}", "invalid option \"only\"")]
    public void Setup_Invalid_Error(string body, string error)
    {
        var e = Assert.Throws<Core.Corefile.CorefileException>(() => PluginHarness.Create(".:53 {\n" + body + "\n}", "bind", setup: Fake));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setup_RealLoopbackInterface_HasIPv4Loopback()
    {
        var h = PluginHarness.Create(".:53 {\n bind lo\n}", "bind");
        Assert.Contains(IPAddress.Loopback, h.Config.BindAddresses);
        Assert.Contains("lo", h.Config.BindInterfaces);
    }
}
