using System.Globalization;
using System.Net;
using System.Text;
using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>Parses zone-file style record lines (<c>name [ttl] [class] TYPE rdata</c>) into records, for test tables.</summary>
public static class RecordText
{
    /// <summary>Parses one record line.</summary>
    public static DnsRecord Parse(string line)
    {
        var t = Tokenize(line);
        if (t.Count < 3)
        {
            throw new FormatException($"record line too short: '{line}'");
        }
        var i = 0;
        var name = DnsName.Parse(t[i++]);
        uint ttl = 3600;
        if (uint.TryParse(t[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            ttl = v;
            i++;
        }
        var cls = DnsClass.In;
        if (DnsClassText.TryParse(t[i], out var c) && !DnsRecordTypeText.TryParse(t[i], out _))
        {
            cls = c;
            i++;
        }
        if (!DnsRecordTypeText.TryParse(t[i], out var type))
        {
            throw new FormatException($"unknown type '{t[i]}' in '{line}'");
        }
        i++;
        var rd = t.GetRange(i, t.Count - i);
        string Arg(int k) => k < rd.Count ? rd[k] : throw new FormatException($"missing RDATA field {k} in '{line}'");
        ushort U16(int k) => ushort.Parse(Arg(k), CultureInfo.InvariantCulture);
        uint U32(int k) => uint.Parse(Arg(k), CultureInfo.InvariantCulture);
        return type switch
        {
            DnsRecordType.A => new ARecord(name, ttl, IPAddress.Parse(Arg(0)), cls),
            DnsRecordType.Aaaa => new AaaaRecord(name, ttl, IPAddress.Parse(Arg(0)), cls),
            DnsRecordType.Cname => new CnameRecord(name, ttl, DnsName.Parse(Arg(0)), cls),
            DnsRecordType.Ns => new NsRecord(name, ttl, DnsName.Parse(Arg(0)), cls),
            DnsRecordType.Ptr => new PtrRecord(name, ttl, DnsName.Parse(Arg(0)), cls),
            DnsRecordType.Mx => new MxRecord(name, ttl, U16(0), DnsName.Parse(Arg(1)), cls),
            DnsRecordType.Srv => new SrvRecord(name, ttl, U16(0), U16(1), U16(2), DnsName.Parse(Arg(3)), cls),
            DnsRecordType.Soa => new SoaRecord(name, ttl, DnsName.Parse(Arg(0)), DnsName.Parse(Arg(1)), U32(2), U32(3), U32(4), U32(5), U32(6), cls),
            DnsRecordType.Txt => new TxtRecord(name, ttl, rd, cls),
            DnsRecordType.Hinfo => new HinfoRecord(name, ttl, Arg(0), Arg(1), cls),
            _ => throw new FormatException($"type {type} not supported by RecordText"),
        };
    }

    /// <summary>The canonical one-line text of a record (single spaces), as compared by <see cref="DnsAssert"/>.</summary>
    public static string Normalize(DnsRecord record) =>
        string.Join(' ', record.ToString().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The canonical text of a record line.</summary>
    public static string Normalize(string line) => Normalize(Parse(line));

    private static List<string> Tokenize(string line)
    {
        var list = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        var inToken = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '\\' && i + 1 < line.Length)
                {
                    sb.Append(line[++i]);
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(ch);
                }
                continue;
            }
            if (ch == '"')
            {
                quoted = true;
                inToken = true;
                continue;
            }
            if (char.IsWhiteSpace(ch))
            {
                if (inToken)
                {
                    list.Add(sb.ToString());
                    sb.Clear();
                    inToken = false;
                }
                continue;
            }
            sb.Append(ch);
            inToken = true;
        }
        if (inToken)
        {
            list.Add(sb.ToString());
        }
        return list;
    }
}
