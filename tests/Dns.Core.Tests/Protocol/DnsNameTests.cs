using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

public sealed class DnsNameTests
{
    [Theory]
    [InlineData("example.org", "example.org.", "07 65 78 61 6d 70 6c 65 03 6f 72 67 00")]
    [InlineData("example.org.", "example.org.", "07 65 78 61 6d 70 6c 65 03 6f 72 67 00")]
    [InlineData(".", ".", "00")]
    [InlineData("", ".", "00")]
    [InlineData("Ex.ORG", "Ex.ORG.", "02 45 78 03 4f 52 47 00")]
    [InlineData(@"a\.b.c", @"a\.b.c.", "03 61 2e 62 01 63 00")]
    [InlineData(@"a\\b.c", @"a\\b.c.", "03 61 5c 62 01 63 00")]
    [InlineData(@"\065\066.c", "AB.c.", "02 41 42 01 63 00")]
    [InlineData(@"\000\255.", @"\000\255.", "02 00 ff 00")]
    [InlineData(@"a\032b.", @"a\032b.", "03 61 20 62 00")]
    [InlineData(@"\(\)\;\@\$\"".", @"\(\)\;\@\$\"".", "06 28 29 3b 40 24 22 00")]
    [InlineData(@"\12a.", "12a.", "03 31 32 61 00")]
    [InlineData(@"\1a.", "1a.", "02 31 61 00")]
    [InlineData("*.example.", "*.example.", "01 2a 07 65 78 61 6d 70 6c 65 00")]
    public void Parse_ValidText_GivesWireAndCanonicalText(string text, string expectedText, string wireHex)
    {
        var name = DnsName.Parse(text);
        Hex.Equal(wireHex, name.Wire);
        Assert.Equal(expectedText, name.Text);
        Assert.Equal(name, DnsName.Parse(name.Text));
        Assert.True(DnsName.FromWire(name.Wire).SpellingEquals(name));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".a")]
    [InlineData("a..b")]
    [InlineData("a.b..")]
    [InlineData(@"a\")]
    [InlineData(@"\256.")]
    [InlineData(@"\999")]
    [InlineData("\u0100.example.")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(DnsName.TryParse(text, out var name));
        Assert.Null(name);
        Assert.Throws<FormatException>(() => DnsName.Parse(text));
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void TryParse_LabelLength_LimitIs63(int length, bool ok)
    {
        Assert.Equal(ok, DnsName.TryParse(new string('a', length) + ".org.", out _));
        Assert.Equal(ok, DnsName.TryParse(@"\097" + new string('a', length - 1) + ".", out _));
    }

    [Theory]
    [InlineData(61, true)]  // 3 x 64 + 62 + 1 = 255
    [InlineData(62, false)] // 256
    public void TryParse_NameLength_LimitIs255Octets(int lastLabel, bool ok)
    {
        var l63 = new string('a', 63);
        var text = $"{l63}.{l63}.{l63}.{new string('b', lastLabel)}";
        Assert.Equal(ok, DnsName.TryParse(text, out var n1));
        Assert.Equal(ok, DnsName.TryParse(text + ".", out var n2));
        if (ok)
        {
            Assert.Equal(255, n1!.WireLength);
            Assert.Equal(n1, n2);
        }
    }

    [Fact]
    public void TryParse_TooLongWithEscapes_ReturnsFalse()
    {
        var label = string.Concat(Enumerable.Repeat(@"\.", 63));
        Assert.True(DnsName.TryParse($"{label}.{label}.{label}", out _));
        Assert.False(DnsName.TryParse($"{label}.{label}.{label}.{label}", out _));
    }

    [Fact]
    public void FromWire_Malformed_Throws()
    {
        Assert.Throws<DnsFormatException>(() => DnsName.FromWire([3, 0x61]));
        Assert.Throws<DnsFormatException>(() => DnsName.FromWire([0x40, .. new byte[64], 0]));
        Assert.Throws<DnsFormatException>(() => DnsName.FromWire([0xC0, 0x0C]));
    }

    [Theory]
    [InlineData("Example.ORG.", "example.org.", true)]
    [InlineData("example.org.", "example.org", true)]
    [InlineData(@"\069xample.org.", "example.org.", true)]
    [InlineData("example.org.", "example.com.", false)]
    [InlineData("a.b.", "ab.", false)]
    [InlineData(@"a\.b.", "a.b.", false)]
    [InlineData("\u00c4.", "\u00e4.", false)]
    public void Equals_NamesDifferingInCase_AreEqualForAsciiOnly(string a, string b, bool equal)
    {
        var x = DnsName.Parse(a);
        var y = DnsName.Parse(b);
        Assert.Equal(equal, x.Equals(y));
        Assert.Equal(equal, x == y);
        Assert.Equal(!equal, x != y);
        if (equal)
        {
            Assert.Equal(x.GetHashCode(), y.GetHashCode());
            Assert.Equal(x.LowerText, y.LowerText);
        }
    }

    [Fact]
    public void Text_MixedCaseInput_KeepsSpelling()
    {
        var n = DnsName.Parse("WwW.Example.Org");
        Assert.Equal("WwW.Example.Org.", n.Text);
        Assert.Equal("www.example.org.", n.LowerText);
        Assert.False(n.SpellingEquals(DnsName.Parse("www.example.org.")));
    }

    [Theory]
    [InlineData("a.example.org.", "example.org.", true)]
    [InlineData("example.org.", "example.org.", true)]
    [InlineData("A.EXAMPLE.org.", "example.ORG.", true)]
    [InlineData("anything.", ".", true)]
    [InlineData(".", ".", true)]
    [InlineData("badexample.org.", "example.org.", false)]
    [InlineData("a.bexample.org.", "example.org.", false)]
    [InlineData("org.", "example.org.", false)]
    [InlineData(@"a\.example.org.", "example.org.", false)] // labels "a.example" and "org"
    [InlineData(@"x.a\.example.org.", @"a\.example.org.", true)]
    [InlineData(@"a\.example.org.", @"\.example.org.", false)]
    [InlineData("ns.dns.cluster.local.", "cluster.local.", true)]
    public void IsSubdomainOf_NameAndZone_IsLabelAligned(string name, string zone, bool expected)
    {
        Assert.Equal(expected, DnsName.Parse(name).IsSubdomainOf(DnsName.Parse(zone)));
    }

    [Theory]
    [InlineData("a.b.example.org.", "example.org.", "a.b")]
    [InlineData("A.Example.org.", "example.ORG.", "A")]
    [InlineData("example.org.", "example.org.", "")]
    [InlineData("x.", ".", "x")]
    [InlineData(@"a\.b.example.org.", "example.org.", @"a\.b")]
    [InlineData("example.org.", "a.example.org.", null)]
    [InlineData("badexample.org.", "example.org.", null)]
    public void RelativeTo_NameAndZone_GivesLeftLabelsOrNull(string name, string zone, string? expected)
    {
        Assert.Equal(expected, DnsName.Parse(name).RelativeTo(DnsName.Parse(zone)));
    }

    [Theory]
    [InlineData("a.b.c.", 0, "a.b.c.")]
    [InlineData("a.b.c.", 1, "b.c.")]
    [InlineData("a.b.c.", 2, "c.")]
    [InlineData("a.b.c.", 3, ".")]
    [InlineData("a.b.c.", 9, ".")]
    [InlineData(".", 1, ".")]
    public void Skip_Count_DropsLeftLabels(string name, int count, string expected)
    {
        var skipped = DnsName.Parse(name).Skip(count);
        Assert.Equal(expected, skipped.Text);
        Assert.Equal(expected == ".", skipped.IsRoot);
    }

    [Fact]
    public void Parent_OfRoot_IsRoot()
    {
        Assert.Same(DnsName.Root, DnsName.Root.Parent());
        Assert.Equal("org.", DnsName.Parse("example.org.").Parent().Text);
    }

    [Fact]
    public void GetLabel_Index_ReturnsLabelOrThrows()
    {
        var n = DnsName.Parse(@"A\.b.c.d.");
        Assert.Equal(3, n.LabelCount);
        Assert.Equal(@"A\.b", n.GetLabel(0));
        Assert.Equal("d", n.GetLabel(2));
        Assert.Equal("A.b"u8.ToArray(), n.GetLabelBytes(0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => n.GetLabel(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => n.GetLabelBytes(3).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => n.GetLabelBytes(9).ToArray());
        Assert.Equal(0, DnsName.Root.LabelCount);
    }

    [Theory]
    [InlineData("a.", "b.c.", "a.b.c.")]
    [InlineData(".", "b.c.", "b.c.")]
    [InlineData("a.b.", ".", "a.b.")]
    [InlineData("Web.", "Example.ORG.", "Web.Example.ORG.")]
    public void Concat_TwoNames_JoinsLabelsKeepingSpelling(string left, string right, string expected)
    {
        var joined = DnsName.Concat(DnsName.Parse(left), DnsName.Parse(right));
        Assert.Equal(expected, joined.Text);
        Assert.True(joined.SpellingEquals(DnsName.Parse(expected)));
    }

    [Fact]
    public void Concat_Over255Octets_Throws()
    {
        var l63 = new string('a', 63);
        var left = DnsName.Parse($"{l63}.{l63}.");
        var right = DnsName.Parse($"{l63}.{l63}.");
        Assert.Throws<FormatException>(() => DnsName.Concat(left, right));
    }

    [Theory]
    [InlineData("www", "example.org.", "www.example.org.")]
    [InlineData("a.b.", "example.org.", "a.b.example.org.")]
    [InlineData("", "example.org.", "example.org.")]
    [InlineData(@"x\.y", "example.org.", @"x\.y.example.org.")]
    public void Prepend_RelativeText_AddsLabels(string prefix, string name, string expected)
    {
        Assert.Equal(expected, DnsName.Parse(name).Prepend(prefix).Text);
    }

    [Fact]
    public void Text_SpecialAndNonPrintableBytes_AreEscaped()
    {
        var n = DnsName.FromWire([4, (byte)'a', (byte)'.', 0x7F, (byte)' ', 2, (byte)'\\', 0xE4, 0]);
        Assert.Equal(@"a\.\127\032.\\\228.", n.Text);
        Assert.True(DnsName.Parse(n.Text).SpellingEquals(n));
    }
}
