using System.Text;
using System.Text.Json.Nodes;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// A fast reader for the YAML that Kubernetes manifests are written in: block mappings and sequences (indentless
/// sequences included), plain, single- and double-quoted scalars, literal block scalars (<c>|</c>, <c>|-</c>,
/// <c>|+</c>), one-line flow collections, comments and <c>---</c> documents. It builds the same <see cref="JsonNode"/>
/// tree as <see cref="ManifestLoader"/> builds from YamlDotNet's events, at a fraction of YamlDotNet's start-up and
/// per-document cost (first use of YamlDotNet and a 1,000-service cluster took most of a second).
/// <para>
/// It is deliberately strict: anything outside that subset or whose meaning it is not sure of (tabs, anchors, tags,
/// folded or multi-line scalars, multi-line flow collections, duplicate or merge keys, directives, unusual
/// characters, ...) makes <see cref="Next"/> answer <see cref="Result.Unsupported"/>, and the loader reads the rest
/// of the file with YamlDotNet, which also reports any error exactly as before.
/// </para>
/// </summary>
internal sealed class ManifestYamlReader
{
    /// <summary>YAML limits implicit keys to 1024 characters; longer ones are left to YamlDotNet.</summary>
    private const int MaxKeyLength = 1000;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[16384];
    private int _bufferPos;
    private int _bufferLength;
    private bool _readerDone;
    private string? _line;
    private bool _lineHadBreak;
    private int _lineNumber;
    private bool _started;
    private bool _finished;

    public ManifestYamlReader(TextReader reader)
    {
        _reader = reader;
    }

    /// <summary>What <see cref="Next"/> found.</summary>
    public enum Result
    {
        /// <summary>A document (its root may be null: an empty document).</summary>
        Document,

        /// <summary>No more documents.</summary>
        End,

        /// <summary>YAML this reader does not handle: read the file again with YamlDotNet, skipping the documents already returned.</summary>
        Unsupported,
    }

    /// <summary>Reads the next document; <paramref name="line"/> is the 1-based line its root node starts on.</summary>
    public Result Next(out JsonNode? root, out int line)
    {
        root = null;
        line = 0;
        if (_finished)
        {
            return Result.End;
        }
        try
        {
            if (!_started)
            {
                _started = true;
                Advance();
                SkipBlank();
                if (_line is null)
                {
                    _finished = true;
                    return Result.End;
                }
                if (IsDocumentStart(_line))
                {
                    ConsumeDocumentStart();
                }
            }
            else if (_line is null)
            {
                _finished = true;
                return Result.End;
            }
            else
            {
                // The previous document ended at this "---".
                ConsumeDocumentStart();
            }
            SkipBlank();
            if (AtBoundary)
            {
                // An empty document: YamlDotNet gives an empty plain scalar, which is null.
                return Result.Document;
            }
            line = _lineNumber;
            var indent = Indent(_line!);
            root = ParseBlockAt(indent, -1);
            SkipBlank();
            if (!AtBoundary)
            {
                throw new UnsupportedException();
            }
            return Result.Document;
        }
        catch (UnsupportedException)
        {
            _finished = true;
            root = null;
            return Result.Unsupported;
        }
    }

    private bool AtBoundary => _line is null || IsDocumentStart(_line);

    private static bool IsDocumentStart(string l) => l.StartsWith("---", StringComparison.Ordinal) && (l.Length == 3 || l[3] == ' ');

    private void ConsumeDocumentStart()
    {
        // Only "---" and a comment: content after the marker ("--- {a: 1}", "--- !tag", "--- |") is left to YamlDotNet.
        var l = _line!;
        var p = SkipSpaces(l, 3);
        if (p < l.Length && l[p] != '#')
        {
            throw new UnsupportedException();
        }
        Advance();
    }

    /// <summary>Skips empty and comment-only lines (at any indentation, as YAML allows).</summary>
    private void SkipBlank()
    {
        while (_line is { } l)
        {
            var p = SkipSpaces(l, 0);
            if (p < l.Length && l[p] != '#')
            {
                if (p == 0 && (l[0] == '%' || (l.StartsWith("...", StringComparison.Ordinal) && (l.Length == 3 || l[3] == ' '))))
                {
                    // Directives and document end markers.
                    throw new UnsupportedException();
                }
                return;
            }
            Advance();
        }
    }

    /// <summary>A node whose first line is the current line, starting at column <paramref name="indent"/>.</summary>
    private JsonNode? ParseBlockAt(int indent, int parentIndent)
    {
        var l = _line!;
        if (IsSequenceEntry(l, indent))
        {
            return ParseSequence(indent, indentless: false);
        }
        if (TryKey(l, indent, out _, out _))
        {
            return ParseMapping(indent);
        }
        return ParseInline(indent, parentIndent);
    }

    /// <summary>The value of a key or sequence entry that has nothing after its indicator on its own line.</summary>
    private JsonNode? ParseNodeOnNextLines(int parentIndent, bool allowIndentlessSequence)
    {
        SkipBlank();
        if (AtBoundary)
        {
            return null;
        }
        var l = _line!;
        var n = Indent(l);
        if (n > parentIndent)
        {
            return ParseBlockAt(n, parentIndent);
        }
        if (allowIndentlessSequence && n == parentIndent && IsSequenceEntry(l, n))
        {
            return ParseSequence(n, indentless: true);
        }
        return null;
    }

    /// <summary>A block mapping whose keys are at column <paramref name="indent"/>; its first key is on the current line.</summary>
    private JsonObject ParseMapping(int indent)
    {
        var map = new JsonObject();
        while (true)
        {
            var l = _line!;
            if (!TryKey(l, indent, out var key, out var afterColon) || key == "<<" || map.ContainsKey(key))
            {
                throw new UnsupportedException();
            }
            var p = SkipSpaces(l, afterColon);
            JsonNode? value;
            if (p == l.Length || l[p] == '#')
            {
                Advance();
                value = ParseNodeOnNextLines(indent, allowIndentlessSequence: true);
            }
            else
            {
                value = ParseInline(p, indent);
            }
            map.Add(key, value);
            SkipBlank();
            if (AtBoundary)
            {
                return map;
            }
            var n = Indent(_line!);
            if (n < indent)
            {
                return map;
            }
            if (n > indent || IsSequenceEntry(_line!, n))
            {
                // A continuation line of a multi-line scalar, or an error: YamlDotNet decides.
                throw new UnsupportedException();
            }
        }
    }

    /// <summary>A block sequence whose "-" are at column <paramref name="indent"/>, starting on the current line.</summary>
    private JsonArray ParseSequence(int indent, bool indentless)
    {
        var array = new JsonArray();
        while (true)
        {
            var l = _line!;
            var p = SkipSpaces(l, indent + 1);
            JsonNode? item;
            if (p == l.Length || l[p] == '#')
            {
                Advance();
                item = ParseNodeOnNextLines(indent, allowIndentlessSequence: false);
            }
            else if (IsSequenceEntry(l, p))
            {
                // "- - a": compact nested sequences.
                throw new UnsupportedException();
            }
            else if (TryKey(l, p, out _, out _))
            {
                item = ParseMapping(p);
            }
            else
            {
                item = ParseInline(p, indent);
            }
            array.Add(item);
            SkipBlank();
            if (AtBoundary)
            {
                return array;
            }
            var n = Indent(_line!);
            if (n < indent)
            {
                return array;
            }
            if (n > indent)
            {
                throw new UnsupportedException();
            }
            if (IsSequenceEntry(_line!, n))
            {
                continue;
            }
            if (indentless)
            {
                // The next key of the mapping this sequence is the value of.
                return array;
            }
            throw new UnsupportedException();
        }
    }

    /// <summary>A scalar, flow collection or literal block scalar starting at <paramref name="pos"/> of the current line; leaves the reader on the next unread line.</summary>
    private JsonNode? ParseInline(int pos, int parentIndent)
    {
        var l = _line!;
        JsonNode? node;
        switch (l[pos])
        {
            case '"':
            case '\'':
                node = JsonValue.Create(Quoted(l, ref pos));
                break;
            case '[':
            case '{':
                node = Flow(l, ref pos);
                break;
            case '|':
                return Literal(l, pos, parentIndent);
            default:
                if (!IsPlainStart(l, pos))
                {
                    throw new UnsupportedException();
                }
                node = ManifestScalar.ToJson(BlockPlain(l, ref pos), plain: true);
                break;
        }
        EndOfLine(l, pos);
        Advance();
        return node;
    }

    /// <summary>Only spaces and a comment may follow a node on its line.</summary>
    private static void EndOfLine(string l, int pos)
    {
        var p = SkipSpaces(l, pos);
        if (p < l.Length && (l[p] != '#' || p == pos))
        {
            throw new UnsupportedException();
        }
    }

    /// <summary>A plain scalar in block context: up to a comment or the end of the line.</summary>
    private static string BlockPlain(string l, ref int pos)
    {
        var start = pos;
        var end = l.Length;
        for (var i = pos; i < l.Length; i++)
        {
            var c = l[i];
            if (c == ':' && (i + 1 == l.Length || l[i + 1] == ' '))
            {
                // "a: b: c", or a key this reader did not take for one.
                throw new UnsupportedException();
            }
            if (c == '#' && l[i - 1] == ' ')
            {
                end = i;
                break;
            }
        }
        while (end > start && l[end - 1] == ' ')
        {
            end--;
        }
        pos = end;
        return l.Substring(start, end - start);
    }

    /// <summary>Characters a plain scalar may not start with (YAML's indicators), except "-" before a non-space.</summary>
    private static bool IsPlainStart(string l, int pos)
    {
        var c = l[pos];
        if (c == '-')
        {
            return pos + 1 < l.Length && l[pos + 1] != ' ';
        }
        return c is not ('?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`');
    }

    private static bool IsSequenceEntry(string l, int pos) => l[pos] == '-' && (pos + 1 == l.Length || l[pos + 1] == ' ');

    /// <summary>
    /// A block mapping key at <paramref name="pos"/>: a quoted scalar or a plain one of the characters label keys,
    /// field names and annotation keys use, followed by ": " or ":" at the end of the line.
    /// </summary>
    private static bool TryKey(string l, int pos, out string key, out int afterColon)
    {
        key = "";
        afterColon = 0;
        int end;
        if (l[pos] is '"' or '\'')
        {
            var p = pos;
            var k = Quoted(l, ref p);
            if (p < l.Length && l[p] == ':' && (p + 1 == l.Length || l[p + 1] == ' '))
            {
                CheckKeyLength(k);
                key = k;
                afterColon = p + 1;
                return true;
            }
            return false;
        }
        if (l[pos] == '-')
        {
            return false;
        }
        end = pos;
        while (end < l.Length && IsKeyChar(l[end]))
        {
            end++;
        }
        if (end == pos || end == l.Length || l[end] != ':' || (end + 1 < l.Length && l[end + 1] != ' '))
        {
            return false;
        }
        key = l.Substring(pos, end - pos);
        CheckKeyLength(key);
        afterColon = end + 1;
        return true;
    }

    private static void CheckKeyLength(string key)
    {
        if (key.Length > MaxKeyLength)
        {
            throw new UnsupportedException();
        }
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-';

    /// <summary>A one-line single- or double-quoted scalar starting at <paramref name="pos"/>; <paramref name="pos"/> ends after the closing quote.</summary>
    private static string Quoted(string l, ref int pos)
    {
        var quote = l[pos];
        var start = pos + 1;
        var stop = quote == '"' ? l.AsSpan(start).IndexOfAny('"', '\\') : l.AsSpan(start).IndexOf('\'');
        if (stop < 0)
        {
            // Continues on the next line: folding rules are YamlDotNet's.
            throw new UnsupportedException();
        }
        if (l[start + stop] == quote && (quote == '"' || start + stop + 1 == l.Length || l[start + stop + 1] != '\''))
        {
            pos = start + stop + 1;
            return l.Substring(start, stop);
        }
        var sb = new StringBuilder();
        var i = start;
        while (true)
        {
            if (i >= l.Length)
            {
                throw new UnsupportedException();
            }
            var c = l[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    if (i + 1 < l.Length && l[i + 1] == '\'')
                    {
                        sb.Append('\'');
                        i += 2;
                        continue;
                    }
                    pos = i + 1;
                    return sb.ToString();
                }
                sb.Append(c);
                i++;
                continue;
            }
            if (c == '"')
            {
                pos = i + 1;
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (i + 1 >= l.Length)
            {
                // An escaped line break.
                throw new UnsupportedException();
            }
            var e = l[i + 1];
            i += 2;
            switch (e)
            {
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'e': sb.Append('\u001b'); break;
                case 'u':
                    if (i + 4 > l.Length || !ushort.TryParse(l.AsSpan(i, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var u)
                        || char.IsSurrogate((char)u))
                    {
                        throw new UnsupportedException();
                    }
                    sb.Append((char)u);
                    i += 4;
                    break;
                default:
                    // \x, \U, \N, \_, \L, \P, "\ ", "\/": rare, and versions of YAML disagree on some.
                    throw new UnsupportedException();
            }
        }
    }

    /// <summary>A flow collection that opens and closes on this line.</summary>
    private static JsonNode? Flow(string l, ref int pos)
    {
        pos = SkipSpaces(l, pos);
        if (pos >= l.Length)
        {
            throw new UnsupportedException();
        }
        switch (l[pos])
        {
            case '[':
                {
                    var array = new JsonArray();
                    pos = SkipSpaces(l, pos + 1);
                    if (Peek(l, pos) == ']')
                    {
                        pos++;
                        return array;
                    }
                    while (true)
                    {
                        array.Add(Flow(l, ref pos));
                        pos = SkipSpaces(l, pos);
                        var c = Peek(l, pos);
                        if (c == ']')
                        {
                            pos++;
                            return array;
                        }
                        if (c != ',')
                        {
                            throw new UnsupportedException();
                        }
                        pos = SkipSpaces(l, pos + 1);
                        if (Peek(l, pos) is ']' or '}' or ',' or '\0')
                        {
                            throw new UnsupportedException();
                        }
                    }
                }
            case '{':
                {
                    var map = new JsonObject();
                    pos = SkipSpaces(l, pos + 1);
                    if (Peek(l, pos) == '}')
                    {
                        pos++;
                        return map;
                    }
                    while (true)
                    {
                        string key;
                        if (Peek(l, pos) is '"' or '\'')
                        {
                            key = Quoted(l, ref pos);
                        }
                        else
                        {
                            var start = pos;
                            if (Peek(l, pos) == '-')
                            {
                                throw new UnsupportedException();
                            }
                            while (pos < l.Length && IsKeyChar(l[pos]))
                            {
                                pos++;
                            }
                            if (pos == start)
                            {
                                throw new UnsupportedException();
                            }
                            key = l.Substring(start, pos - start);
                        }
                        CheckKeyLength(key);
                        if (Peek(l, pos) != ':' || Peek(l, pos + 1) != ' ' || key == "<<" || map.ContainsKey(key))
                        {
                            throw new UnsupportedException();
                        }
                        pos = SkipSpaces(l, pos + 2);
                        if (Peek(l, pos) is ',' or '}' or '\0')
                        {
                            // An empty value.
                            throw new UnsupportedException();
                        }
                        map.Add(key, Flow(l, ref pos));
                        pos = SkipSpaces(l, pos);
                        var c = Peek(l, pos);
                        if (c == '}')
                        {
                            pos++;
                            return map;
                        }
                        if (c != ',')
                        {
                            throw new UnsupportedException();
                        }
                        pos = SkipSpaces(l, pos + 1);
                        if (Peek(l, pos) is ']' or '}' or ',' or '\0')
                        {
                            throw new UnsupportedException();
                        }
                    }
                }
            case '"':
            case '\'':
                return JsonValue.Create(Quoted(l, ref pos));
            default:
                {
                    if (!IsPlainStart(l, pos) || (l[pos] == '-' && Peek(l, pos + 1) is ',' or '[' or ']' or '{' or '}'))
                    {
                        throw new UnsupportedException();
                    }
                    var start = pos;
                    while (pos < l.Length && l[pos] is not (',' or '[' or ']' or '{' or '}'))
                    {
                        // A ':' inside an image reference, IPv6 address or URL (followed by a letter, digit, ':', '/'
                        // or '.') is part of the scalar; elsewhere it may start a single-pair mapping, and YamlDotNet
                        // treats the cases differently ("[a:]", "[a:,b]"). '#', quotes and '?' are rare enough here.
                        var c = l[pos];
                        if ((c == ':' && !(pos + 1 < l.Length && (char.IsAsciiLetterOrDigit(l[pos + 1]) || l[pos + 1] is ':' or '/' or '.')))
                            || c is '#' or '"' or '\'' or '?')
                        {
                            throw new UnsupportedException();
                        }
                        pos++;
                    }
                    var end = pos;
                    while (end > start && l[end - 1] == ' ')
                    {
                        end--;
                    }
                    return ManifestScalar.ToJson(l.Substring(start, end - start), plain: true);
                }
        }
    }

    /// <summary>A literal block scalar (<c>|</c>, <c>|-</c>, <c>|+</c>) whose header is at <paramref name="pos"/>; leaves the reader on the first line after it.</summary>
    private JsonNode Literal(string header, int pos, int parentIndent)
    {
        if (parentIndent < 0)
        {
            throw new UnsupportedException();
        }
        pos++;
        var chomp = ' ';
        if (pos < header.Length && header[pos] is '-' or '+')
        {
            chomp = header[pos];
            pos++;
        }
        // Explicit indentation indicators are left to YamlDotNet; a comment may follow the header.
        EndOfLine(header, pos);
        Advance();
        var lines = new List<string>();
        var indent = -1;
        var lastHadBreak = true;
        while (_line is { } l)
        {
            var n = Indent(l);
            var blank = n == l.Length;
            if (indent < 0)
            {
                if (blank)
                {
                    if (n > 0)
                    {
                        // YamlDotNet rejects some leading lines of spaces ("found extra spaces in first line").
                        throw new UnsupportedException();
                    }
                    lines.Add("");
                    lastHadBreak = _lineHadBreak;
                    Advance();
                    continue;
                }
                if (n <= parentIndent)
                {
                    // An empty scalar.
                    throw new UnsupportedException();
                }
                indent = n;
            }
            if (blank)
            {
                if (n > indent)
                {
                    // Spaces beyond the indentation on an otherwise empty line are content.
                    throw new UnsupportedException();
                }
                lines.Add("");
            }
            else if (n < indent)
            {
                break;
            }
            else
            {
                lines.Add(l.Substring(indent));
            }
            lastHadBreak = _lineHadBreak;
            Advance();
        }
        var last = lines.Count - 1;
        while (last >= 0 && lines[last].Length == 0)
        {
            last--;
        }
        if (indent < 0 || last < 0 || !lastHadBreak)
        {
            // No content, or the file ends without a line break (clipping then keeps no break).
            throw new UnsupportedException();
        }
        var sb = new StringBuilder();
        for (var i = 0; i <= last; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }
            sb.Append(lines[i]);
        }
        switch (chomp)
        {
            case ' ':
                sb.Append('\n');
                break;
            case '+':
                sb.Append('\n', lines.Count - last);
                break;
        }
        return JsonValue.Create(sb.ToString());
    }

    private static char Peek(string l, int pos) => pos < l.Length ? l[pos] : '\0';

    private static int SkipSpaces(string l, int pos)
    {
        while (pos < l.Length && l[pos] == ' ')
        {
            pos++;
        }
        return pos;
    }

    private static int Indent(string l) => SkipSpaces(l, 0);

    /// <summary>Moves to the next line, refusing characters whose YAML meaning is not plain text (tabs, controls, BOM, Unicode line breaks).</summary>
    private void Advance()
    {
        _line = ReadLine();
        _lineNumber++;
        if (_line is { } l)
        {
            var i = l.AsSpan().IndexOfAnyExceptInRange(' ', '~');
            if (i >= 0)
            {
                foreach (var c in l.AsSpan(i))
                {
                    if (c is < ' ' or (>= '\u007f' and <= '\u009f') or '\u2028' or '\u2029' or '\ufeff' or >= '\ufffe' || char.IsSurrogate(c))
                    {
                        throw new UnsupportedException();
                    }
                }
            }
        }
    }

    /// <summary>A line without its break ("\n", "\r\n" or "\r", as YAML counts them); null at the end.</summary>
    private string? ReadLine()
    {
        StringBuilder? sb = null;
        while (true)
        {
            if (_bufferPos == _bufferLength && !Fill())
            {
                _lineHadBreak = false;
                return sb?.ToString();
            }
            var span = _buffer.AsSpan(_bufferPos, _bufferLength - _bufferPos);
            var i = span.IndexOfAny('\n', '\r');
            if (i < 0)
            {
                (sb ??= new StringBuilder()).Append(span);
                _bufferPos = _bufferLength;
                continue;
            }
            var line = sb is null ? new string(span[..i]) : sb.Append(span[..i]).ToString();
            _bufferPos += i + 1;
            if (span[i] == '\r' && (_bufferPos < _bufferLength || Fill()) && _buffer[_bufferPos] == '\n')
            {
                _bufferPos++;
            }
            _lineHadBreak = true;
            return line;
        }
    }

    private bool Fill()
    {
        if (_readerDone)
        {
            return false;
        }
        _bufferPos = 0;
        _bufferLength = _reader.Read(_buffer, 0, _buffer.Length);
        if (_bufferLength <= 0)
        {
            _bufferLength = 0;
            _readerDone = true;
            return false;
        }
        return true;
    }

    /// <summary>Thrown inside the reader for YAML it leaves to YamlDotNet; never escapes <see cref="Next"/>.</summary>
    private sealed class UnsupportedException : Exception
    {
    }
}
