using System.Globalization;
using System.Text;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// A forward-only reader of one JSON text (RFC 8259) in memory, for the API server's LIST pages and watch events:
/// the caller walks the objects it knows (<see cref="EnterObject"/>/<see cref="NextProperty"/>,
/// <see cref="EnterArray"/>/<see cref="NextItem"/>), reads the values it keeps and skips the rest, which is still
/// checked to be well-formed. Nothing is built for skipped values, and the server does not load System.Text.Json
/// for it (1.1 MB resident). Malformed text throws <see cref="ApiJsonException"/> with the byte offset; nesting
/// deeper than <see cref="MaxDepth"/> is refused, as System.Text.Json refuses it.
/// </summary>
internal ref struct JsonCursor
{
    /// <summary>The deepest nesting read (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _s;
    private int _i;
    private int _depth;
    private bool _fresh;

    public JsonCursor(ReadOnlySpan<byte> json)
    {
        _s = json;
    }

    /// <summary>The byte offset of the next value (to come back to it with <see cref="Position"/>).</summary>
    public int Position
    {
        readonly get => _i;
        set => _i = value;
    }

    /// <summary>The kind of the next value, without reading it.</summary>
    public JsonKind Peek()
    {
        SkipWhitespace();
        if (_i >= _s.Length)
        {
            throw Error("unexpected end of data");
        }
        return _s[_i] switch
        {
            (byte)'{' => JsonKind.Object,
            (byte)'[' => JsonKind.Array,
            (byte)'"' => JsonKind.String,
            (byte)'t' or (byte)'f' => JsonKind.Boolean,
            (byte)'n' => JsonKind.Null,
            (byte)'-' or (>= (byte)'0' and <= (byte)'9') => JsonKind.Number,
            _ => throw Error($"unexpected character '{(char)_s[_i]}'"),
        };
    }

    /// <summary>Enters the next value when it is an object (true); any other value is skipped (false).</summary>
    public bool EnterObject() => Enter(JsonKind.Object);

    /// <summary>Enters the next value when it is an array (true); any other value is skipped (false).</summary>
    public bool EnterArray() => Enter(JsonKind.Array);

    /// <summary>
    /// The next property of the object entered last: true with its name (raw: still escaped when
    /// <paramref name="escaped"/>; compare with <see cref="NameIs"/>), the cursor on its value, which the caller reads or
    /// skips; false at the end of the object.
    /// </summary>
    public bool NextProperty(out ReadOnlySpan<byte> name, out bool escaped)
    {
        if (!Next((byte)'}'))
        {
            name = default;
            escaped = false;
            return false;
        }
        if (_i >= _s.Length || _s[_i] != '"')
        {
            throw Error("expected a property name");
        }
        name = RawString(out escaped);
        SkipWhitespace();
        if (_i >= _s.Length || _s[_i] != ':')
        {
            throw Error("expected ':' after a property name");
        }
        _i++;
        return true;
    }

    /// <summary>The next item of the array entered last: true with the cursor on it (read or skip it); false at its end.</summary>
    public bool NextItem() => Next((byte)']');

    /// <summary>Whether a raw property name (from <see cref="NextProperty"/>) is <paramref name="expected"/> (ASCII).</summary>
    public static bool NameIs(ReadOnlySpan<byte> name, bool escaped, ReadOnlySpan<byte> expected) =>
        escaped ? Unescape(name) is { } text && Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(expected) : name.SequenceEqual(expected);

    /// <summary>The next value when it is a string; any other value is skipped (null).</summary>
    public string? ReadString()
    {
        if (Peek() != JsonKind.String)
        {
            SkipValue();
            return null;
        }
        var raw = RawString(out var escaped);
        _fresh = false;
        return Text(raw, escaped);
    }

    /// <summary>The text of a raw string or property name (from <see cref="NextProperty"/>).</summary>
    public static string Text(ReadOnlySpan<byte> raw, bool escaped) => escaped ? Unescape(raw) : Encoding.UTF8.GetString(raw);

    /// <summary>The next value when it is an integer that fits 32 bits; any other value is skipped (null).</summary>
    public int? ReadInt32()
    {
        if (Peek() != JsonKind.Number)
        {
            SkipValue();
            return null;
        }
        var text = Number();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>The next value when it is true or false; any other value is skipped (null).</summary>
    public bool? ReadBoolean()
    {
        if (Peek() != JsonKind.Boolean)
        {
            SkipValue();
            return null;
        }
        return Literal();
    }

    /// <summary>Skips the next value, checking that it is well-formed.</summary>
    public void SkipValue()
    {
        switch (Peek())
        {
            case JsonKind.Object:
                EnterObject();
                while (NextProperty(out _, out _))
                {
                    SkipValue();
                }
                break;
            case JsonKind.Array:
                EnterArray();
                while (NextItem())
                {
                    SkipValue();
                }
                break;
            case JsonKind.String:
                RawString(out _);
                break;
            case JsonKind.Number:
                Number();
                break;
            default:
                Literal();
                break;
        }
        _fresh = false;
    }

    /// <summary>Checks that nothing but whitespace follows the value read.</summary>
    public void End()
    {
        SkipWhitespace();
        if (_i < _s.Length)
        {
            throw Error("data after the end of the JSON value");
        }
    }

    private bool Enter(JsonKind kind)
    {
        if (Peek() != kind)
        {
            SkipValue();
            return false;
        }
        if (++_depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth}");
        }
        _i++;
        _fresh = true;
        return true;
    }

    /// <summary>Past the separator before the next member, or past the closing byte (false).</summary>
    private bool Next(byte close)
    {
        SkipWhitespace();
        if (_i >= _s.Length)
        {
            throw Error("unexpected end of data");
        }
        if (_s[_i] == close)
        {
            _i++;
            _depth--;
            _fresh = false;
            return false;
        }
        if (!_fresh)
        {
            if (_s[_i] != ',')
            {
                throw Error($"expected ',' or '{(char)close}'");
            }
            _i++;
            SkipWhitespace();
            if (_i < _s.Length && _s[_i] == close)
            {
                throw Error("a trailing comma");
            }
        }
        _fresh = false;
        return true;
    }

    /// <summary>The string at the cursor, without its quotes, and whether it holds escapes.</summary>
    private ReadOnlySpan<byte> RawString(out bool escaped)
    {
        var start = ++_i;
        escaped = false;
        while (_i < _s.Length)
        {
            var b = _s[_i];
            if (b == '"')
            {
                var raw = _s[start.._i];
                _i++;
                return raw;
            }
            if (b < 0x20)
            {
                throw Error("a control character in a string");
            }
            if (b == '\\')
            {
                escaped = true;
                _i++;
                if (_i >= _s.Length)
                {
                    break;
                }
                switch (_s[_i])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        break;
                    case (byte)'u':
                        if (_i + 4 >= _s.Length || !IsHex(_s[_i + 1]) || !IsHex(_s[_i + 2]) || !IsHex(_s[_i + 3]) || !IsHex(_s[_i + 4]))
                        {
                            throw Error("a bad \\u escape");
                        }
                        _i += 4;
                        break;
                    default:
                        throw Error("a bad escape");
                }
            }
            _i++;
        }
        throw Error("an unterminated string");
    }

    /// <summary>A checked string body (from <see cref="RawString"/>) with its escapes decoded.</summary>
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(raw.Length);
        var i = 0;
        while (i < raw.Length)
        {
            var next = raw[i..].IndexOf((byte)'\\');
            var plain = next < 0 ? raw[i..] : raw.Slice(i, next);
            sb.Append(Encoding.UTF8.GetString(plain));
            if (next < 0)
            {
                break;
            }
            i += next + 1;
            var c = raw[i++];
            switch (c)
            {
                case (byte)'b':
                    sb.Append('\b');
                    break;
                case (byte)'f':
                    sb.Append('\f');
                    break;
                case (byte)'n':
                    sb.Append('\n');
                    break;
                case (byte)'r':
                    sb.Append('\r');
                    break;
                case (byte)'t':
                    sb.Append('\t');
                    break;
                case (byte)'u':
                    sb.Append((char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default:
                    sb.Append((char)c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The number at the cursor, checked against the JSON grammar, as text.</summary>
    private string Number()
    {
        var start = _i;
        if (_s[_i] == '-')
        {
            _i++;
        }
        if (_i < _s.Length && _s[_i] == '0')
        {
            _i++;
        }
        else if (!Digits())
        {
            throw Error("a bad number");
        }
        if (_i < _s.Length && _s[_i] == '.')
        {
            _i++;
            if (!Digits())
            {
                throw Error("a bad number");
            }
        }
        if (_i < _s.Length && (_s[_i] == 'e' || _s[_i] == 'E'))
        {
            _i++;
            if (_i < _s.Length && (_s[_i] == '+' || _s[_i] == '-'))
            {
                _i++;
            }
            if (!Digits())
            {
                throw Error("a bad number");
            }
        }
        _fresh = false;
        return Encoding.ASCII.GetString(_s[start.._i]);
    }

    private bool Digits()
    {
        var start = _i;
        while (_i < _s.Length && _s[_i] is >= (byte)'0' and <= (byte)'9')
        {
            _i++;
        }
        return _i > start;
    }

    /// <summary>true, false or null at the cursor (null reads as false).</summary>
    private bool Literal()
    {
        var rest = _s[_i..];
        _fresh = false;
        if (rest.StartsWith("true"u8))
        {
            _i += 4;
            return true;
        }
        if (rest.StartsWith("false"u8))
        {
            _i += 5;
            return false;
        }
        if (rest.StartsWith("null"u8))
        {
            _i += 4;
            return false;
        }
        throw Error("a bad literal");
    }

    private void SkipWhitespace()
    {
        while (_i < _s.Length && _s[_i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _i++;
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private readonly ApiJsonException Error(string what) => new($"malformed JSON at byte {_i}: {what}");
}

/// <summary>The kind of a JSON value.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>The API server sent something that is not well-formed JSON, or not the JSON of a LIST or a watch event.</summary>
public sealed class ApiJsonException(string message) : FormatException(message);
