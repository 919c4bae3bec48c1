using Dns.Core.Protocol;

namespace Dns.Core.Tests.Protocol;

/// <summary>Deep comparison of two messages, spelling of owner names included.</summary>
internal static class MessageAssert
{
    public static void Equal(DnsMessage expected, DnsMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(Flags(expected), Flags(actual));
        Assert.Equal(expected.ResponseCode, actual.ResponseCode);
        Assert.Equal(expected.Questions.Count, actual.Questions.Count);
        for (var i = 0; i < expected.Questions.Count; i++)
        {
            Assert.Equal(expected.Questions[i], actual.Questions[i]);
            Assert.Equal(expected.Questions[i].Name.Text, actual.Questions[i].Name.Text);
        }
        Section(expected.Answers, actual.Answers);
        Section(expected.Authority, actual.Authority);
        Section(expected.Additional, actual.Additional);
        if (expected.Opt is null)
        {
            Assert.Null(actual.Opt);
            return;
        }
        Assert.NotNull(actual.Opt);
        Assert.Equal(expected.Opt.UdpPayloadSize, actual.Opt.UdpPayloadSize);
        Assert.Equal(expected.Opt.Version, actual.Opt.Version);
        Assert.Equal(expected.Opt.DnssecOk, actual.Opt.DnssecOk);
        Assert.Equal(expected.Opt.Z, actual.Opt.Z);
        Assert.Equal(expected.Opt.Options, actual.Opt.Options);
    }

    private static string Flags(DnsMessage m) =>
        $"qr={m.IsResponse} op={m.OpCode} aa={m.AuthoritativeAnswer} tc={m.Truncated} rd={m.RecursionDesired} ra={m.RecursionAvailable} z={m.Zero} ad={m.AuthenticData} cd={m.CheckingDisabled}";

    private static void Section(List<DnsRecord> expected, List<DnsRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
            // Presentation text compares RDATA names with their spelling too.
            Assert.Equal(expected[i].ToString(), actual[i].ToString());
        }
    }
}
