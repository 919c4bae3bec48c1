using System.Globalization;
using Dns.Core.Protocol;
using A = ARSoft.Tools.Net.Dns;

namespace Dns.Core.Tests.Protocol;

/// <summary>
/// Renders a message as ARSoft.Tools.Net parses it and as our model holds it, in one neutral text form, so an
/// independent parser can confirm every field (names compared as lower-case text: ARSoft does not promise spelling).
/// </summary>
internal static class ArsoftView
{
    public static string Of(A.DnsMessage m)
    {
        var lines = new List<string>
        {
            $"id={m.TransactionID} qr={!m.IsQuery} op={(int)m.OperationCode} aa={m.IsAuthoritiveAnswer} tc={m.IsTruncated} rd={m.IsRecursionDesired} ra={m.IsRecursionAllowed} ad={m.IsAuthenticData} cd={m.IsCheckingDisabled} rcode={(int)m.ReturnCode}",
        };
        foreach (var q in m.Questions)
        {
            lines.Add($"q {Name(q.Name)} {(int)q.RecordType} {(int)q.RecordClass}");
        }
        Section(lines, "an", m.AnswerRecords);
        Section(lines, "ns", m.AuthorityRecords);
        Section(lines, "ar", m.AdditionalRecords.Where(r => r is not A.OptRecord));
        if (m.IsEDnsEnabled)
        {
            var o = m.EDnsOptions!;
            lines.Add($"opt udp={o.UdpPayloadSize} v={o.Version} do={o.IsDnsSecOk} options={string.Join(",", o.Options.Select(x => ((int)x.Type).ToString(CultureInfo.InvariantCulture)))}");
        }
        return string.Join("\n", lines);
    }

    public static string Of(DnsMessage m)
    {
        var lines = new List<string>
        {
            $"id={m.Id} qr={m.IsResponse} op={(int)m.OpCode} aa={m.AuthoritativeAnswer} tc={m.Truncated} rd={m.RecursionDesired} ra={m.RecursionAvailable} ad={m.AuthenticData} cd={m.CheckingDisabled} rcode={(int)m.ResponseCode}",
        };
        foreach (var q in m.Questions)
        {
            lines.Add($"q {q.Name.LowerText} {(int)q.Type} {(int)q.Class}");
        }
        Section(lines, "an", m.Answers);
        Section(lines, "ns", m.Authority);
        Section(lines, "ar", m.Additional);
        if (m.Opt is { } o)
        {
            lines.Add($"opt udp={o.UdpPayloadSize} v={o.Version} do={o.DnssecOk} options={string.Join(",", o.Options.Select(x => x.Code.ToString(CultureInfo.InvariantCulture)))}");
        }
        return string.Join("\n", lines);
    }

    // ARSoft keeps the SOA intervals as int; the wire fields are 32-bit unsigned.
    private static uint U(int value) => unchecked((uint)value);

    private static string Name(ARSoft.Tools.Net.DomainName n) => n.LabelCount == 0 ? "." : n.ToString().ToLowerInvariant().TrimEnd('.') + ".";

    private static void Section(List<string> lines, string section, IEnumerable<A.DnsRecordBase> records)
    {
        foreach (var r in records)
        {
            var data = r switch
            {
                A.ARecord a => a.Address.ToString(),
                A.AaaaRecord a => a.Address.ToString(),
                A.CNameRecord c => Name(c.CanonicalName),
                A.NsRecord n => Name(n.NameServer),
                A.PtrRecord p => Name(p.PointerDomainName),
                A.MxRecord mx => $"{mx.Preference} {Name(mx.ExchangeDomainName)}",
                A.SrvRecord s => $"{s.Priority} {s.Weight} {s.Port} {Name(s.Target)}",
                A.SoaRecord s => $"{Name(s.MasterName)} {Name(s.ResponsibleName)} {s.SerialNumber} {U(s.RefreshInterval)} {U(s.RetryInterval)} {U(s.ExpireInterval)} {U(s.NegativeCachingTTL)}",
                A.TxtRecord t => string.Join("|", t.TextParts),
                A.HInfoRecord h => $"{h.Cpu}|{h.OperatingSystem}",
                A.UnknownRecord u => Convert.ToHexString(u.RecordData),
                _ => "?" + r.GetType().Name,
            };
            lines.Add($"{section} {Name(r.Name)} {r.TimeToLive} {(int)r.RecordClass} {(int)r.RecordType} {data}");
        }
    }

    private static void Section(List<string> lines, string section, IEnumerable<DnsRecord> records)
    {
        foreach (var r in records)
        {
            var data = r switch
            {
                ARecord a => a.Address.ToString(),
                AaaaRecord a => a.Address.ToString(),
                CnameRecord c => c.Target.LowerText,
                NsRecord n => n.Target.LowerText,
                PtrRecord p => p.Target.LowerText,
                MxRecord mx => $"{mx.Preference} {mx.Exchange.LowerText}",
                SrvRecord s => $"{s.Priority} {s.Weight} {s.Port} {s.Target.LowerText}",
                SoaRecord s => $"{s.PrimaryNameServer.LowerText} {s.ResponsibleMailbox.LowerText} {s.Serial} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}",
                TxtRecord t => string.Join("|", t.Strings),
                HinfoRecord h => $"{h.Cpu}|{h.Os}",
                UnknownRecord u => Convert.ToHexString(u.Data),
                _ => "?" + r.GetType().Name,
            };
            lines.Add($"{section} {r.Name.LowerText} {r.Ttl} {(int)r.Class} {(int)r.Type} {data}");
        }
    }
}
