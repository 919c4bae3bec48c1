using System.Globalization;
using System.Text.RegularExpressions;

namespace Dns.Core.Corefile;

/// <summary>
/// Parses a Corefile into server blocks the way CoreDNS's Caddy fork does (reference §4.1–4.2): keys, directives
/// with nested blocks, <c>{$ENV}</c>/<c>{%ENV%}</c>, snippets and <c>import</c> expanded in place while parsing.
/// Unknown directives and malformed syntax are <see cref="CorefileException"/>s naming file and line.
/// </summary>
/// <remarks>
/// Unlike Caddy v1, tokens spliced in by an import carry a splice id, so they always start lines of their own: a
/// snippet imported inside a block below its definition, or twice in a row, still yields one directive per line.
/// Import cycles (files or snippets) are reported instead of expanding until the 1000-expansion cap.
/// </remarks>
public sealed partial class CorefileParser
{
    // coredns/caddy caps expansions so that a cyclic or exploding import cannot hang the parser.
    private const int MaxExpansions = 1000;

    private readonly Func<string, bool> _isDirective;
    private readonly Func<string, string?> _env;
    private readonly Dictionary<string, List<CorefileToken>> _snippets = new(StringComparer.Ordinal);
    private readonly List<SpliceInfo> _splices = [];
    private List<CorefileToken> _tokens = [];
    private int _cursor = -1;
    private int _snippetExpansions;
    private int _fileExpansions;

    private CorefileParser(Func<string, bool> isDirective, Func<string, string?> env)
    {
        _isDirective = isDirective;
        _env = env;
    }

    /// <summary>
    /// Parses Corefile text. <paramref name="isDirective"/> says which directive names exist; <paramref name="env"/>
    /// resolves <c>{$NAME}</c> (default: the process environment). Imports are relative to <paramref name="file"/>.
    /// </summary>
    public static IReadOnlyList<ServerBlock> Parse(string text, string file, Func<string, bool> isDirective, Func<string, string?>? env = null)
    {
        var p = new CorefileParser(isDirective, env ?? Environment.GetEnvironmentVariable);
        return p.ParseAll(text, file);
    }

    /// <summary>Parses a Corefile from disk.</summary>
    public static IReadOnlyList<ServerBlock> ParseFile(string path, Func<string, bool> isDirective, Func<string, string?>? env = null)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorefileException(path, 0, $"Could not read Corefile: {e.Message}");
        }
        return Parse(text, path, isDirective, env);
    }

    private CorefileToken Cur => _tokens[_cursor];

    private IReadOnlyList<ServerBlock> ParseAll(string text, string file)
    {
        _splices.Add(new SpliceInfo(-1, System.IO.Path.GetFullPath(file), null));
        _tokens = ReplaceEnv(CorefileLexer.Tokenize(text, file), 0);
        var blocks = new List<ServerBlock>();
        while (Next())
        {
            var block = ParseOne();
            if (block is not null)
            {
                blocks.Add(block);
            }
        }
        CheckDuplicates(blocks);
        return blocks;
    }

    private bool Next()
    {
        if (_cursor < _tokens.Count - 1)
        {
            _cursor++;
            return true;
        }
        return false;
    }

    private bool NextArg()
    {
        if (_cursor >= 0 && _cursor < _tokens.Count - 1 && _tokens[_cursor].IsSameLine(_tokens[_cursor + 1]))
        {
            _cursor++;
            return true;
        }
        return false;
    }

    private bool IsNewLine() => _cursor < 1 || _cursor >= _tokens.Count || !_tokens[_cursor - 1].IsSameLine(_tokens[_cursor]);

    private static bool Is(CorefileToken t, string text) => !t.Quoted && t.Text == text;

    private ServerBlock? ParseOne()
    {
        var first = Cur;
        var keys = ReadKeys(out var eof);
        if (keys.Count == 1 && keys[0].Text.Length >= 2 && keys[0].Text.StartsWith('(') && keys[0].Text.EndsWith(')'))
        {
            DefineSnippet(keys[0], eof);
            return null;
        }
        if (keys.Count == 0 && eof)
        {
            // Only an import that brought nothing (an empty glob) was left.
            return null;
        }
        if (keys.Count == 0)
        {
            var at = _cursor < _tokens.Count ? Cur : first;
            throw new CorefileException(at.File, at.Line, $"Unexpected token '{at.Text}', expecting a server block key");
        }
        var addresses = new List<ZoneAddress>();
        foreach (var k in keys)
        {
            addresses.AddRange(ZoneAddressParser.Parse(k));
        }
        var directives = new List<Directive>();
        if (!eof)
        {
            ReadBlockContents(directives);
        }
        return new ServerBlock(keys, addresses, directives);
    }

    /// <summary>Keys up to <c>{</c> or the end of the line; a trailing comma continues onto the next line.</summary>
    private List<CorefileToken> ReadKeys(out bool eof)
    {
        var keys = new List<CorefileToken>();
        var expectingAnother = false;
        eof = false;
        while (true)
        {
            if (_cursor >= _tokens.Count)
            {
                // An import at the end of the file that brought in nothing.
                eof = true;
                if (expectingAnother)
                {
                    throw EofError("expecting another server block key after ','");
                }
                return keys;
            }
            var t = Cur;
            if (Is(t, "import") && IsNewLine())
            {
                DoImport();
                continue;
            }
            if (Is(t, "{"))
            {
                if (expectingAnother)
                {
                    throw new CorefileException(t.File, t.Line, "Expected another address but had '{' - check for extra comma");
                }
                return keys;
            }
            if (Is(t, "}"))
            {
                throw new CorefileException(t.File, t.Line, "Unexpected token '}', expecting a server block key");
            }
            var text = t.Text;
            if (text.Length > 0)
            {
                expectingAnother = text[^1] == ',';
                if (expectingAnother)
                {
                    text = text[..^1];
                }
                if (text.Length > 0)
                {
                    keys.Add(t with { Text = text });
                }
            }
            if (!Next())
            {
                if (expectingAnother)
                {
                    throw EofError("expecting another server block key after ','");
                }
                _cursor++;
                eof = true;
                return keys;
            }
            if (!expectingAnother && IsNewLine())
            {
                return keys;
            }
        }
    }

    private void DefineSnippet(CorefileToken key, bool eof)
    {
        var name = key.Text[1..^1];
        if (eof || !Is(Cur, "{"))
        {
            throw new CorefileException(key.File, key.Line, $"Snippet '{name}' needs a block: expecting '{{'");
        }
        if (_snippets.ContainsKey(name))
        {
            throw new CorefileException(key.File, key.Line, $"redeclaration of previously declared snippet {name}");
        }
        var body = new List<CorefileToken>();
        var count = 1;
        while (Next())
        {
            var t = Cur;
            if (Is(t, "}") && --count == 0)
            {
                _snippets[name] = body;
                return;
            }
            if (Is(t, "{"))
            {
                count++;
            }
            body.Add(t);
        }
        throw new CorefileException(key.File, key.Line, $"Unexpected EOF: snippet '{name}' is not closed, expecting '}}'");
    }

    /// <summary>The directives of a block; with no <c>{</c> the rest of the file is the block (single-block Corefile).</summary>
    private void ReadBlockContents(List<Directive> directives)
    {
        var open = Cur;
        var hasBrace = Is(open, "{");
        if (!hasBrace)
        {
            _cursor--;
        }
        while (Next())
        {
            var t = Cur;
            if (Is(t, "}"))
            {
                if (!hasBrace)
                {
                    throw new CorefileException(t.File, t.Line, "Unexpected '}' because no matching opening brace");
                }
                return;
            }
            if (Is(t, "import"))
            {
                DoImport();
                _cursor--;
                continue;
            }
            if (Is(t, "{"))
            {
                throw new CorefileException(t.File, t.Line, "Unexpected '{' on a line of its own; a block must open on the line of its directive");
            }
            directives.Add(ReadDirective());
        }
        if (hasBrace)
        {
            throw new CorefileException(open.File, open.Line, "Unexpected EOF: server block is not closed, expecting '}'");
        }
    }

    /// <summary>A directive: its line, and any block opening on it (nested blocks included).</summary>
    private Directive ReadDirective()
    {
        var name = Cur;
        if (!_isDirective(name.Text))
        {
            throw new CorefileException(name.File, name.Line, $"Unknown directive '{name.Text}'");
        }
        var toks = new List<CorefileToken> { name };
        var nesting = 0;
        while (Next())
        {
            var t = Cur;
            if (Is(t, "{"))
            {
                nesting++;
            }
            else if (nesting == 0 && IsNewLine())
            {
                _cursor--;
                break;
            }
            else if (Is(t, "}"))
            {
                if (nesting == 0)
                {
                    // "zone { whoami }" on one line: the brace closes the server block (Caddy rejects this; we allow it).
                    _cursor--;
                    break;
                }
                nesting--;
            }
            else if (Is(t, "import") && IsNewLine())
            {
                DoImport();
                _cursor--;
                continue;
            }
            toks.Add(t);
        }
        if (nesting > 0)
        {
            throw new CorefileException(name.File, name.Line, $"Unexpected EOF: block of '{name.Text}' is not closed, expecting '}}'");
        }
        return new Directive(name.Text, toks);
    }

    /// <summary>
    /// Replaces <c>import ARG</c> (cursor on <c>import</c>) with the snippet or the files it names; afterwards the
    /// cursor is on the first imported token (or what followed the import).
    /// </summary>
    private void DoImport()
    {
        var at = Cur;
        var start = _cursor;
        if (!NextArg())
        {
            throw new CorefileException(at.File, at.Line, "Wrong argument count or unexpected line ending after 'import'");
        }
        var arg = Cur;
        if (arg.Text.Length == 0)
        {
            throw new CorefileException(at.File, at.Line, "Import requires a non-empty filepath");
        }
        if (NextArg())
        {
            throw new CorefileException(at.File, at.Line, "Import takes only one argument (glob pattern or file)");
        }
        List<CorefileToken> imported;
        if (_snippets.TryGetValue(arg.Text, out var snippet))
        {
            if (++_snippetExpansions > MaxExpansions)
            {
                throw new CorefileException(at.File, at.Line, $"maximum snippet import depth ({MaxExpansions}) exceeded");
            }
            for (var s = at.Splice; s >= 0; s = _splices[s].Parent)
            {
                if (_splices[s].Snippet == arg.Text)
                {
                    throw new CorefileException(at.File, at.Line, $"Import cycle: snippet '{arg.Text}' imports itself");
                }
            }
            var id = NewSplice(at.Splice, null, arg.Text);
            imported = new List<CorefileToken>(snippet.Count);
            foreach (var t in snippet)
            {
                imported.Add(t with { Splice = id });
            }
        }
        else
        {
            imported = ImportFiles(arg.Text, at);
        }
        _tokens.RemoveRange(start, 2);
        _tokens.InsertRange(start, imported);
        _cursor = start;
    }

    private List<CorefileToken> ImportFiles(string pattern, CorefileToken at)
    {
        if (++_fileExpansions > MaxExpansions)
        {
            throw new CorefileException(at.File, at.Line, $"maximum file import depth ({MaxExpansions}) exceeded");
        }
        var baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(at.File)) ?? ".";
        var full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(pattern) ? pattern : System.IO.Path.Combine(baseDir, pattern));
        var stars = 0;
        var questions = 0;
        foreach (var c in full)
        {
            stars += c == '*' ? 1 : 0;
            questions += c == '?' ? 1 : 0;
        }
        if (stars > 1 || questions > 1 || (full.Contains('[') && full.Contains(']')))
        {
            // caddy#2096: patterns with many expansions can take too long.
            throw new CorefileException(at.File, at.Line, $"Glob pattern may only contain one wildcard (*), but has others: {full}");
        }
        List<string> files;
        if (stars + questions > 0)
        {
            var dir = System.IO.Path.GetDirectoryName(full) ?? ".";
            var filePattern = System.IO.Path.GetFileName(full);
            files = dir.Contains('*') || dir.Contains('?') || !Directory.Exists(dir)
                ? []
                : new List<string>(Directory.GetFiles(dir, filePattern));
            files.Sort(StringComparer.Ordinal);
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"[WARNING] No files matching import glob pattern: {pattern}");
                return [];
            }
        }
        else
        {
            if (Directory.Exists(full))
            {
                throw new CorefileException(at.File, at.Line, $"Could not import {full}: is a directory");
            }
            if (!System.IO.File.Exists(full))
            {
                throw new CorefileException(at.File, at.Line, $"File to import not found: {pattern}");
            }
            files = [full];
        }
        var result = new List<CorefileToken>();
        foreach (var f in files)
        {
            for (var s = at.Splice; s >= 0; s = _splices[s].Parent)
            {
                if (string.Equals(_splices[s].File, f, StringComparison.Ordinal))
                {
                    throw new CorefileException(at.File, at.Line, $"Import cycle: {f} imports itself");
                }
            }
            string text;
            try
            {
                text = System.IO.File.ReadAllText(f);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CorefileException(at.File, at.Line, $"Could not import {f}: {e.Message}");
            }
            var id = NewSplice(at.Splice, f, null);
            result.AddRange(ReplaceEnv(CorefileLexer.Tokenize(text, f), id));
        }
        return result;
    }

    private int NewSplice(int parent, string? file, string? snippet)
    {
        _splices.Add(new SpliceInfo(parent, file, snippet));
        return _splices.Count - 1;
    }

    private CorefileException EofError(string reason)
    {
        var last = _tokens[^1];
        return new CorefileException(last.File, last.Line, "Unexpected EOF: " + reason);
    }

    private static void CheckDuplicates(List<ServerBlock> blocks)
    {
        var seen = new Dictionary<string, ServerBlock>(StringComparer.Ordinal);
        foreach (var b in blocks)
        {
            foreach (var a in b.Addresses)
            {
                var port = a.Port?.ToString(CultureInfo.InvariantCulture) ?? "default";
                var key = a.Scheme + "://" + a.Zone + ":" + port;
                if (seen.TryGetValue(key, out var other) && !ReferenceEquals(other, b))
                {
                    throw new CorefileException(b.File, b.Line, $"cannot serve {key} - it is already defined (at {other.File}:{other.Line})");
                }
                seen[key] = b;
            }
        }
    }

    private List<CorefileToken> ReplaceEnv(List<CorefileToken> tokens, int splice)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var text = t.Text;
            if (text.Contains("{$", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))
            {
                text = ExpandEnvironment(text);
            }
            tokens[i] = t with { Text = text, Splice = splice };
        }
        return tokens;
    }

    // Its own method, so a Corefile without {$VAR} never loads the regular-expression library (start-up time).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private string ExpandEnvironment(string text) =>
        EnvPattern().Replace(text, m => _env(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) ?? "");

    [GeneratedRegex(@"\{\$([^}]+)\}|\{%([^}]+)%\}")]
    private static partial Regex EnvPattern();

    /// <summary>One expansion: the splice it happened in, and the file or snippet it brought in (for cycle checks).</summary>
    private sealed record SpliceInfo(int Parent, string? File, string? Snippet);
}
