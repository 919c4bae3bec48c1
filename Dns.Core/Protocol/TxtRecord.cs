using System.Text;

namespace Dns.Core.Protocol;

/// <summary>A text record (RFC 1035 §3.3.14): one or more character-strings of at most 255 octets, kept as Latin-1 text so bytes round-trip.</summary>
public sealed record TxtRecord : DnsRecord
{
    /// <summary>Creates the record.</summary>
    public TxtRecord(DnsName name, uint ttl, IReadOnlyList<string> strings, DnsClass @class = DnsClass.In) : base(name, ttl, @class)
    {
        foreach (var s in strings)
        {
            if (s.Length > 255)
            {
                throw new ArgumentException("TXT character-string longer than 255 octets", nameof(strings));
            }
        }
        Strings = strings;
    }

    /// <summary>The character-strings.</summary>
    public IReadOnlyList<string> Strings { get; init; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.Txt;

    /// <inheritdoc/>
    public override string DataText => CharacterStrings.Format(Strings);

    /// <inheritdoc/>
    public override void WriteData(ref DnsMessageWriter writer)
    {
        foreach (var s in Strings)
        {
            writer.WriteCharacterString(s);
        }
    }

    /// <inheritdoc/>
    public bool Equals(TxtRecord? other) =>
        other is not null && Name == other.Name && Ttl == other.Ttl && Class == other.Class && SameStrings(Strings, other.Strings);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Ttl, Class, Strings.Count);

    private static bool SameStrings(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Presentation of character-strings: quoted, with <c>"</c> and <c>\</c> escaped and other bytes as <c>\DDD</c>.</summary>
internal static class CharacterStrings
{
    public static string Format(IReadOnlyList<string> strings)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < strings.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append('"');
            foreach (var c in strings[i])
            {
                if (c is '"' or '\\')
                {
                    sb.Append('\\').Append(c);
                }
                else if (c < 0x20 || c >= 0x7F)
                {
                    sb.Append('\\').Append(((int)c).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }
            }
            sb.Append('"');
        }
        return sb.ToString();
    }
}
