using System.Text;

namespace Dns.Core.Protocol;

/// <summary>
/// A fully qualified domain name. Keeps the spelling it was given (the wire bytes); equality and hashing are
/// ASCII case-insensitive (RFC 4343). Labels are at most 63 octets and the name at most 255 (RFC 1035 §2.3.4).
/// </summary>
public sealed class DnsName : IEquatable<DnsName>
{
    /// <summary>Maximum length of a name in wire form, including the root label.</summary>
    public const int MaxWireLength = 255;

    /// <summary>Maximum length of one label.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The root name <c>.</c>.</summary>
    public static readonly DnsName Root = new([0], ".");

    private readonly byte[] _wire;
    private string? _text;
    private string? _lower;
    private int _hash;
    private int _labelCount = -1;

    private DnsName(byte[] wire, string? text)
    {
        _wire = wire;
        _text = text;
    }

    /// <summary>The uncompressed wire form, ending with the zero-length root label.</summary>
    public ReadOnlySpan<byte> Wire => _wire;

    internal byte[] WireArray => _wire;

    /// <summary>Length of the wire form.</summary>
    public int WireLength => _wire.Length;

    /// <summary>True for <c>.</c>.</summary>
    public bool IsRoot => _wire.Length == 1;

    /// <summary>Number of labels, not counting the root.</summary>
    public int LabelCount
    {
        get
        {
            if (_labelCount < 0)
            {
                var n = 0;
                for (var i = 0; _wire[i] != 0; i += _wire[i] + 1)
                {
                    n++;
                }
                _labelCount = n;
            }
            return _labelCount;
        }
    }

    /// <summary>Presentation form with a trailing dot, special characters escaped (RFC 1035 §5.1).</summary>
    public string Text => _text ??= BuildText();

    /// <summary>Presentation form lower-cased (ASCII), cached.</summary>
    public string LowerText => _lower ??= ToLowerAscii(Text);

    /// <summary>Builds a name from uncompressed wire bytes (validated).</summary>
    public static DnsName FromWire(ReadOnlySpan<byte> wire)
    {
        var pos = 0;
        while (true)
        {
            if (pos >= wire.Length)
            {
                throw new DnsFormatException("name is not terminated");
            }
            var len = wire[pos];
            if (len == 0)
            {
                break;
            }
            if (len > MaxLabelLength)
            {
                throw new DnsFormatException("label longer than 63 octets");
            }
            pos += len + 1;
        }
        if (pos + 1 > MaxWireLength)
        {
            throw new DnsFormatException("name longer than 255 octets");
        }
        if (pos == 0)
        {
            return Root;
        }
        return new DnsName(wire[..(pos + 1)].ToArray(), null);
    }

    /// <summary>Parses presentation text (<c>a.example.org</c> or <c>a.example.org.</c>, escapes allowed). Relative names are taken as absolute.</summary>
    public static DnsName Parse(string text)
    {
        if (!TryParse(text, out var name, out var error))
        {
            throw new FormatException($"invalid domain name '{text}': {error}");
        }
        return name;
    }

    /// <summary>Parses presentation text; false when it is not a valid name.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DnsName? name) =>
        TryParse(text, out name, out _);

    private static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DnsName? name, out string error)
    {
        name = null;
        if (text.Length == 0 || text == ".")
        {
            name = Root;
            error = "";
            return true;
        }
        Span<byte> buf = stackalloc byte[MaxWireLength + 64];
        var pos = 0;
        var labelStart = 0;
        buf[0] = 0;
        pos = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                var labelLen = pos - labelStart - 1;
                if (labelLen == 0)
                {
                    error = "empty label";
                    return false;
                }
                buf[labelStart] = (byte)labelLen;
                labelStart = pos;
                if (pos >= MaxWireLength)
                {
                    error = "name longer than 255 octets";
                    return false;
                }
                buf[pos++] = 0;
                i++;
                continue;
            }
            byte b;
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    error = "trailing backslash";
                    return false;
                }
                if (i + 3 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]))
                {
                    var v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                    if (v > 255)
                    {
                        error = "escape out of range";
                        return false;
                    }
                    b = (byte)v;
                    i += 4;
                }
                else
                {
                    b = (byte)text[i + 1];
                    i += 2;
                }
            }
            else
            {
                if (c > 0xFF)
                {
                    error = "non-Latin-1 character";
                    return false;
                }
                b = (byte)c;
                i++;
            }
            if (pos - labelStart > MaxLabelLength)
            {
                error = "label longer than 63 octets";
                return false;
            }
            if (pos >= MaxWireLength)
            {
                error = "name longer than 255 octets";
                return false;
            }
            buf[pos++] = b;
        }
        var last = pos - labelStart - 1;
        if (last > 0)
        {
            buf[labelStart] = (byte)last;
            if (pos >= MaxWireLength)
            {
                error = "name longer than 255 octets";
                return false;
            }
            buf[pos++] = 0;
        }
        name = new DnsName(buf[..pos].ToArray(), null);
        error = "";
        return true;
    }

    /// <summary>True when this name equals <paramref name="zone"/> or is below it (case-insensitive, label-aligned).</summary>
    public bool IsSubdomainOf(DnsName zone)
    {
        var zl = zone._wire.Length;
        if (zl > _wire.Length)
        {
            return false;
        }
        if (zone.IsRoot)
        {
            return true;
        }
        var start = _wire.Length - zl;
        if (!IsLabelBoundary(start))
        {
            return false;
        }
        return AsciiEqualsIgnoreCase(_wire.AsSpan(start), zone._wire);
    }

    /// <summary>The labels of this name left of <paramref name="zone"/> as text (e.g. <c>a.b</c> for <c>a.b.example.org.</c> in <c>example.org.</c>), or null when not inside it.</summary>
    public string? RelativeTo(DnsName zone)
    {
        if (!IsSubdomainOf(zone))
        {
            return null;
        }
        var n = LabelCount - zone.LabelCount;
        if (n == 0)
        {
            return "";
        }
        var sb = new StringBuilder();
        var pos = 0;
        for (var k = 0; k < n; k++)
        {
            if (k > 0)
            {
                sb.Append('.');
            }
            AppendLabel(sb, _wire.AsSpan(pos + 1, _wire[pos]));
            pos += _wire[pos] + 1;
        }
        return sb.ToString();
    }

    /// <summary>The label at <paramref name="index"/> counted from the left, as presentation text.</summary>
    public string GetLabel(int index)
    {
        var pos = 0;
        for (var k = 0; k < index; k++)
        {
            if (_wire[pos] == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }
            pos += _wire[pos] + 1;
        }
        if (_wire[pos] == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var sb = new StringBuilder();
        AppendLabel(sb, _wire.AsSpan(pos + 1, _wire[pos]));
        return sb.ToString();
    }

    /// <summary>The raw bytes of the label at <paramref name="index"/> counted from the left.</summary>
    public ReadOnlySpan<byte> GetLabelBytes(int index)
    {
        var pos = 0;
        for (var k = 0; k < index; k++)
        {
            if (_wire[pos] == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }
            pos += _wire[pos] + 1;
        }
        if (_wire[pos] == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        return _wire.AsSpan(pos + 1, _wire[pos]);
    }

    /// <summary>The name without its first <paramref name="count"/> labels.</summary>
    public DnsName Skip(int count)
    {
        var pos = 0;
        for (var k = 0; k < count; k++)
        {
            if (_wire[pos] == 0)
            {
                return Root;
            }
            pos += _wire[pos] + 1;
        }
        if (pos == 0)
        {
            return this;
        }
        if (_wire[pos] == 0)
        {
            return Root;
        }
        return new DnsName(_wire[pos..], null);
    }

    /// <summary>The parent name (one label less); the root's parent is the root.</summary>
    public DnsName Parent() => Skip(1);

    /// <summary>Concatenates <paramref name="prefix"/> (presentation text, relative) in front of this name.</summary>
    public DnsName Prepend(string prefix)
    {
        if (prefix.Length == 0)
        {
            return this;
        }
        var p = Parse(prefix.EndsWith('.') ? prefix : prefix + ".");
        return Concat(p, this);
    }

    /// <summary>Concatenates two names: all labels of <paramref name="left"/> then <paramref name="right"/>.</summary>
    public static DnsName Concat(DnsName left, DnsName right)
    {
        if (left.IsRoot)
        {
            return right;
        }
        var len = left._wire.Length - 1 + right._wire.Length;
        if (len > MaxWireLength)
        {
            throw new FormatException("name longer than 255 octets");
        }
        var w = new byte[len];
        left._wire.AsSpan(0, left._wire.Length - 1).CopyTo(w);
        right._wire.CopyTo(w.AsSpan(left._wire.Length - 1));
        return new DnsName(w, null);
    }

    /// <inheritdoc/>
    public bool Equals(DnsName? other) =>
        other is not null && (ReferenceEquals(this, other) || (_wire.Length == other._wire.Length && AsciiEqualsIgnoreCase(_wire, other._wire)));

    /// <summary>Exact, case-sensitive comparison of the spelling.</summary>
    public bool SpellingEquals(DnsName other) => _wire.AsSpan().SequenceEqual(other._wire);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DnsName n && Equals(n);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var h = new HashCode();
            foreach (var b in _wire)
            {
                h.Add(ToLower(b));
            }
            var v = h.ToHashCode();
            _hash = v == 0 ? 1 : v;
        }
        return _hash;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Equality operator (case-insensitive).</summary>
    public static bool operator ==(DnsName? a, DnsName? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Inequality operator (case-insensitive).</summary>
    public static bool operator !=(DnsName? a, DnsName? b) => !(a == b);

    internal static DnsName FromValidatedWire(byte[] wire) => wire.Length == 1 ? Root : new DnsName(wire, null);

    private bool IsLabelBoundary(int offset)
    {
        var pos = 0;
        while (pos < offset)
        {
            pos += _wire[pos] + 1;
        }
        return pos == offset;
    }

    internal static byte ToLower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;

    internal static bool AsciiEqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && ToLower(a[i]) != ToLower(b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static string ToLowerAscii(string s)
    {
        foreach (var c in s)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return string.Create(s.Length, s, static (span, src) =>
                {
                    for (var i = 0; i < src.Length; i++)
                    {
                        var ch = src[i];
                        span[i] = ch is >= 'A' and <= 'Z' ? (char)(ch + 32) : ch;
                    }
                });
            }
        }
        return s;
    }

    private string BuildText()
    {
        if (IsRoot)
        {
            return ".";
        }
        var sb = new StringBuilder(_wire.Length + 4);
        var pos = 0;
        while (_wire[pos] != 0)
        {
            AppendLabel(sb, _wire.AsSpan(pos + 1, _wire[pos]));
            sb.Append('.');
            pos += _wire[pos] + 1;
        }
        return sb.ToString();
    }

    private static void AppendLabel(StringBuilder sb, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            switch (b)
            {
                case (byte)'.':
                case (byte)'\\':
                case (byte)'"':
                case (byte)'(':
                case (byte)')':
                case (byte)';':
                case (byte)'@':
                case (byte)'$':
                    sb.Append('\\').Append((char)b);
                    break;
                default:
                    if (b <= 0x20 || b >= 0x7F)
                    {
                        sb.Append('\\').Append(((int)b).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append((char)b);
                    }
                    break;
            }
        }
    }
}
