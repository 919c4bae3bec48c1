using Dns.EnvInjector.Webhook;

namespace Dns.EnvInjector.Tests;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["app"] = "web",
        ["tier"] = "front",
        ["dns.envinjector/inject"] = "true",
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app=api", false)]
    [InlineData("app!=api", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("app in (web, api)", true)]
    [InlineData("app in (api)", false)]
    [InlineData("app notin (api)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("missing in (web)", false)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("dns.envinjector/inject=true", true)]
    [InlineData("dns.envinjector/inject=false", false)]
    [InlineData("app=", false)]
    public void Matches_Selector_Table(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("=x")]
    [InlineData("a=b,")]
    [InlineData("a in (b")]
    [InlineData("a ! b")]
    [InlineData("a=b c")]
    public void Parse_Malformed_Throws(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
}
