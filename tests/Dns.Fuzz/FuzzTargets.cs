using Dns.Core.Corefile;
using Dns.Core.Protocol;

namespace Dns.Fuzz;

/// <summary>
/// What the fuzzers run, shared with the CI replay of tests/fuzz/{corpus,repro}: any input may be rejected only
/// with the parser's own exception; anything else (another exception, a hang, a crash) is a finding.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Parse a message; when it parses, encode it, parse again and require the same content.</summary>
    public static void Message(ReadOnlySpan<byte> data)
    {
        DnsMessage m;
        try
        {
            m = DnsMessage.Parse(data);
        }
        catch (DnsFormatException)
        {
            return;
        }
        var bytes = m.ToArray();
        var again = DnsMessage.Parse(bytes);
        if (again.ToString() != m.ToString())
        {
            throw new InvalidOperationException("round trip changed the message:\n" + m + "\n---\n" + again);
        }
        var small = new byte[512];
        var n = DnsMessageWriter.Write(m, small, 512);
        if (n > 512)
        {
            throw new InvalidOperationException("truncated write exceeded its limit");
        }
        DnsMessage.Parse(small.AsSpan(0, n));
    }

    /// <summary>Parse a Corefile with every directive name known; only <see cref="CorefileException"/> may escape.</summary>
    public static void Corefile(ReadOnlySpan<byte> data)
    {
        var text = System.Text.Encoding.UTF8.GetString(data);
        // Like miekg/dns FuzzNewRR skipping $INCLUDE: the fuzzer must not read files, so "import" becomes an ordinary
        // unknown word (returning early instead would leave such inputs with no coverage, which AFL++ rejects).
        text = text.Replace("import", "imp0rt", StringComparison.Ordinal);
        try
        {
            var blocks = CorefileParser.Parse(text, "fuzz", static _ => true, static _ => "");
            foreach (var b in blocks)
            {
                foreach (var d in b.Directives)
                {
                    var disp = b.GetDispenser(d.Name);
                    while (disp.Next())
                    {
                        disp.RemainingArgs();
                        while (disp.NextBlock())
                        {
                            disp.RemainingArgs();
                        }
                    }
                }
            }
        }
        catch (CorefileException)
        {
        }
    }
}
