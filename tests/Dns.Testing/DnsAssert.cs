using Dns.Core.Protocol;
using Xunit;

namespace Dns.Testing;

/// <summary>Assertions over replies.</summary>
public static class DnsAssert
{
    /// <summary>Asserts that <paramref name="reply"/> matches the row: rcode, AA when given, and every section as a set of lines.</summary>
    public static void Matches(DnsCase expected, DnsMessage? reply)
    {
        Assert.NotNull(reply);
        var context = $"{expected}:\n{reply}";
        Assert.True(expected.Rcode == reply.ResponseCode, $"rcode {ResponseCodeText.ToText(reply.ResponseCode)}, want {ResponseCodeText.ToText(expected.Rcode)} for {context}");
        if (expected.Authoritative is { } aa)
        {
            Assert.True(aa == reply.AuthoritativeAnswer, $"AA {reply.AuthoritativeAnswer}, want {aa} for {context}");
        }
        Section("answer", expected.Answer, reply.Answers, context);
        Section("authority", expected.Ns, reply.Authority, context);
        Section("additional", expected.Extra, reply.Additional, context);
    }

    /// <summary>Asserts a section equals the expected lines, in any order.</summary>
    public static void Section(string name, IReadOnlyList<string> expected, IReadOnlyList<DnsRecord> actual, string context = "")
    {
        var want = new List<string>();
        foreach (var e in expected)
        {
            want.Add(RecordText.Normalize(e));
        }
        var got = new List<string>();
        foreach (var r in actual)
        {
            got.Add(RecordText.Normalize(r));
        }
        want.Sort(StringComparer.Ordinal);
        got.Sort(StringComparer.Ordinal);
        Assert.True(want.SequenceEqual(got, StringComparer.Ordinal),
            $"{name} section differs.\nwant:\n  {string.Join("\n  ", want)}\ngot:\n  {string.Join("\n  ", got)}\n{context}");
    }
}
