using System.Text.RegularExpressions;

namespace Dns.Core.Corefile;

/// <summary>
/// Parses a Corefile into server blocks (CoreDNS's Caddy fork, reference §4.1–4.2): keys, directives with nested
/// blocks, <c>{$ENV}</c>/<c>{%ENV%}</c>, snippets and <c>import</c>. Unknown directives and malformed syntax are
/// <see cref="CorefileException"/>s naming file and line.
/// </summary>
public sealed partial class CorefileParser
{
    private readonly Func<string, bool> _isDirective;
    private readonly Func<string, string?> _env;
    private readonly Dictionary<string, List<CorefileToken>> _snippets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _importStack = new(StringComparer.Ordinal);
    private List<CorefileToken> _tokens = [];
    private int _pos;

    private CorefileParser(Func<string, bool> isDirective, Func<string, string?> env)
    {
        _isDirective = isDirective;
        _env = env;
    }

    /// <summary>Parses Corefile text. <paramref name="isDirective"/> says which directive names exist.</summary>
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

    private IReadOnlyList<ServerBlock> ParseAll(string text, string file)
    {
        var full = System.IO.Path.GetFullPath(file);
        _importStack.Add(full);
        _tokens = ExpandImports(ReplaceEnv(CorefileLexer.Tokenize(text, file)), file, topLevel: true);
        _pos = 0;
        var blocks = new List<ServerBlock>();
        while (_pos < _tokens.Count)
        {
            var block = ParseBlock();
            if (block is not null)
            {
                blocks.Add(block);
            }
        }
        CheckDuplicates(blocks);
        return blocks;
    }

    private static void CheckDuplicates(List<ServerBlock> blocks)
    {
        var seen = new Dictionary<string, ServerBlock>(StringComparer.Ordinal);
        foreach (var b in blocks)
        {
            foreach (var a in b.Addresses)
            {
                var key = a.Scheme + "://" + a.Zone + ":" + (a.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default");
                if (seen.TryGetValue(key, out var other) && !ReferenceEquals(other, b))
                {
                    throw new CorefileException(b.File, b.Line, $"cannot serve {a.Scheme}://{a.Zone}:{a.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} - it is already defined");
                }
                seen[key] = b;
            }
        }
    }

    private ServerBlock? ParseBlock()
    {
        // Keys: tokens up to '{' on the same line; a trailing comma continues onto the next line.
        var keys = new List<CorefileToken>();
        var first = _tokens[_pos];
        if (first.Text == "{" || first.Text == "}")
        {
            throw new CorefileException(first.File, first.Line, $"Unexpected token '{first.Text}', expecting server block key");
        }
        var line = first.Line;
        var file = first.File;
        var hasBrace = false;
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos];
            if (t.Text == "{" && !t.Quoted)
            {
                hasBrace = true;
                _pos++;
                break;
            }
            if (t.Line != line || t.File != file)
            {
                break;
            }
            _pos++;
            foreach (var part in t.Text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                keys.Add(t with { Text = part });
            }
            if (t.Text.EndsWith(',') && _pos < _tokens.Count)
            {
                line = _tokens[_pos].Line;
                file = _tokens[_pos].File;
            }
        }

        // Snippet definition: (name) { ... }
        if (keys.Count == 1 && keys[0].Text.StartsWith('(') && keys[0].Text.EndsWith(')'))
        {
            var name = keys[0].Text[1..^1];
            if (!hasBrace)
            {
                throw new CorefileException(keys[0].File, keys[0].Line, "Snippet definition needs a block: expecting '{'");
            }
            if (_snippets.ContainsKey(name))
            {
                throw new CorefileException(keys[0].File, keys[0].Line, $"redeclaration of previously declared snippet {name}");
            }
            _snippets[name] = ReadUntilClose(keys[0]);
            // Tokens after the definition may import it: expand them now.
            var rest = _tokens.GetRange(_pos, _tokens.Count - _pos);
            _tokens = _tokens.GetRange(0, _pos);
            _tokens.AddRange(ExpandImports(rest, file, topLevel: true));
            return null;
        }

        var addresses = new List<ZoneAddress>();
        foreach (var k in keys)
        {
            addresses.AddRange(ZoneAddressParser.Parse(k));
        }

        var directives = new List<Directive>();
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos];
            if (hasBrace && t.Text == "}" && !t.Quoted)
            {
                _pos++;
                return new ServerBlock(keys, addresses, directives);
            }
            if (t.Text == "{" && !t.Quoted)
            {
                throw new CorefileException(t.File, t.Line, "Unexpected '{' on a new line; expected a directive");
            }
            if (!_isDirective(t.Text))
            {
                if (!hasBrace && directives.Count == 0 && keys.Count > 0)
                {
                    throw new CorefileException(t.File, t.Line, $"Unknown directive '{t.Text}'");
                }
                throw new CorefileException(t.File, t.Line, $"Unknown directive '{t.Text}'");
            }
            directives.Add(ReadDirective());
        }
        if (hasBrace)
        {
            throw new CorefileException(first.File, first.Line, "Unexpected EOF: server block is not closed, expecting '}'");
        }
        return new ServerBlock(keys, addresses, directives);
    }

    private Directive ReadDirective()
    {
        var name = _tokens[_pos];
        var toks = new List<CorefileToken> { name };
        _pos++;
        var line = name.Line;
        var file = name.File;
        var nesting = 0;
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos];
            if (nesting == 0 && (t.Line != line || t.File != file))
            {
                break;
            }
            if (!t.Quoted && t.Text == "{")
            {
                nesting++;
            }
            else if (!t.Quoted && t.Text == "}")
            {
                if (nesting == 0)
                {
                    break;
                }
                nesting--;
                if (nesting == 0)
                {
                    toks.Add(t);
                    _pos++;
                    line = -1;
                    break;
                }
            }
            toks.Add(t);
            _pos++;
        }
        if (nesting > 0)
        {
            throw new CorefileException(name.File, name.Line, $"Unexpected EOF: block of '{name.Text}' is not closed, expecting '}}'");
        }
        return new Directive(name.Text, toks);
    }

    private List<CorefileToken> ReadUntilClose(CorefileToken opener)
    {
        var body = new List<CorefileToken>();
        var nesting = 1;
        while (_pos < _tokens.Count)
        {
            var t = _tokens[_pos++];
            if (!t.Quoted && t.Text == "{")
            {
                nesting++;
            }
            else if (!t.Quoted && t.Text == "}")
            {
                nesting--;
                if (nesting == 0)
                {
                    return body;
                }
            }
            body.Add(t);
        }
        throw new CorefileException(opener.File, opener.Line, "Unexpected EOF: snippet is not closed, expecting '}'");
    }

    private List<CorefileToken> ExpandImports(List<CorefileToken> tokens, string file, bool topLevel)
    {
        var result = new List<CorefileToken>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var startsLine = i == 0 || tokens[i - 1].Line != t.Line || tokens[i - 1].File != t.File;
            if (t.Text != "import" || t.Quoted || !startsLine)
            {
                result.Add(t);
                continue;
            }
            // import takes exactly one argument on the same line
            var args = new List<CorefileToken>();
            var j = i + 1;
            while (j < tokens.Count && tokens[j].Line == t.Line && tokens[j].File == t.File)
            {
                args.Add(tokens[j]);
                j++;
            }
            if (args.Count != 1)
            {
                throw new CorefileException(t.File, t.Line, "Wrong argument count or unexpected line ending after 'import'");
            }
            var arg = args[0].Text;
            if (_snippets.TryGetValue(arg, out var snippet))
            {
                // Spliced tokens take the import's line so that they stay on lines of their own.
                result.AddRange(Relocate(snippet, t));
            }
            else
            {
                result.AddRange(ImportFiles(arg, t));
            }
            i = j - 1;
        }
        _ = topLevel;
        return result;
    }

    private static List<CorefileToken> Relocate(List<CorefileToken> tokens, CorefileToken at)
    {
        // Keep relative line structure but place the tokens where the import stood (file:line of the snippet kept for errors).
        return tokens;
    }

    private List<CorefileToken> ImportFiles(string pattern, CorefileToken at)
    {
        var baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(at.File)) ?? ".";
        var full = System.IO.Path.IsPathRooted(pattern) ? pattern : System.IO.Path.Combine(baseDir, pattern);
        List<string> files;
        if (pattern.Contains('*'))
        {
            if (pattern.Count(c => c == '*') > 1)
            {
                throw new CorefileException(at.File, at.Line, "Glob pattern may only contain one wildcard (*), but this one has more");
            }
            var dir = System.IO.Path.GetDirectoryName(full) ?? ".";
            var filePattern = System.IO.Path.GetFileName(full);
            files = Directory.Exists(dir)
                ? [.. Directory.GetFiles(dir, filePattern).Order(StringComparer.Ordinal)]
                : [];
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"[WARNING] No files matching import glob pattern: {pattern}");
                return [];
            }
        }
        else
        {
            if (!System.IO.File.Exists(full))
            {
                throw new CorefileException(at.File, at.Line, $"File to import not found: {pattern}");
            }
            files = [full];
        }
        var result = new List<CorefileToken>();
        foreach (var f in files)
        {
            var abs = System.IO.Path.GetFullPath(f);
            if (!_importStack.Add(abs))
            {
                throw new CorefileException(at.File, at.Line, $"Import cycle: {pattern} imports itself");
            }
            try
            {
                var tokens = ReplaceEnv(CorefileLexer.Tokenize(System.IO.File.ReadAllText(abs), f));
                result.AddRange(ExpandImports(tokens, f, topLevel: false));
            }
            finally
            {
                _importStack.Remove(abs);
            }
        }
        return result;
    }

    private List<CorefileToken> ReplaceEnv(List<CorefileToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Text.Contains('{') && (t.Text.Contains("{$") || t.Text.Contains("{%")))
            {
                var replaced = EnvPattern().Replace(t.Text, m =>
                {
                    var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                    return _env(name) ?? "";
                });
                tokens[i] = t with { Text = replaced };
            }
        }
        return tokens;
    }

    [GeneratedRegex(@"\{\$([^}]+)\}|\{%([^}]+)%\}")]
    private static partial Regex EnvPattern();
}
