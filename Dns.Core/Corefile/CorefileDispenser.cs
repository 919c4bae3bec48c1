using System.Globalization;

namespace Dns.Core.Corefile;

/// <summary>
/// Walks the tokens of one directive (all its uses in a block) the way Caddy's dispenser does, so plugin setups
/// read like CoreDNS's: <c>while (d.Next()) { var args = d.RemainingArgs(); while (d.NextBlock()) { switch (d.Val) ... } }</c>.
/// </summary>
public sealed class CorefileDispenser
{
    private readonly IReadOnlyList<CorefileToken> _tokens;
    private readonly string _file;
    private int _cursor = -1;
    private int _nesting;

    /// <summary>A dispenser over <paramref name="tokens"/>.</summary>
    public CorefileDispenser(IReadOnlyList<CorefileToken> tokens, string file = "Corefile")
    {
        _tokens = tokens;
        _file = file;
    }

    /// <summary>A dispenser over tokens of a single line of text (tests and built-in defaults).</summary>
    public static CorefileDispenser FromText(string text, string file = "Corefile") =>
        new(CorefileLexer.Tokenize(text, file), file);

    /// <summary>The current token's text ("" before the first <see cref="Next"/>).</summary>
    public string Val => _cursor >= 0 && _cursor < _tokens.Count ? _tokens[_cursor].Text : "";

    /// <summary>The current token's line.</summary>
    public int Line => _cursor >= 0 && _cursor < _tokens.Count ? _tokens[_cursor].Line : (_tokens.Count > 0 ? _tokens[^1].Line : 0);

    /// <summary>The current token's file.</summary>
    public string File => _cursor >= 0 && _cursor < _tokens.Count ? _tokens[_cursor].File : _file;

    /// <summary>Moves to the next token, across lines; false at the end.</summary>
    public bool Next()
    {
        if (_cursor < _tokens.Count - 1)
        {
            _cursor++;
            return true;
        }
        return false;
    }

    /// <summary>Moves to the next token only if it is on the same line (an argument of the current token).</summary>
    public bool NextArg()
    {
        if (_cursor < 0)
        {
            _cursor++;
            return _tokens.Count > 0;
        }
        if (_cursor < _tokens.Count - 1 && _tokens[_cursor].IsSameLine(_tokens[_cursor + 1]))
        {
            _cursor++;
            return true;
        }
        return false;
    }

    /// <summary>Moves to the next token only if it starts a new line; false at the end or when it is on this line.</summary>
    public bool NextLine()
    {
        if (_cursor < 0)
        {
            _cursor++;
            return _tokens.Count > 0;
        }
        if (_cursor < _tokens.Count - 1 && !_tokens[_cursor].IsSameLine(_tokens[_cursor + 1]))
        {
            _cursor++;
            return true;
        }
        return false;
    }

    /// <summary>Loads the next <paramref name="count"/> arguments; null when the line has fewer.</summary>
    public string[]? Args(int count)
    {
        var args = new string[count];
        for (var i = 0; i < count; i++)
        {
            if (!NextArg())
            {
                return null;
            }
            args[i] = Val;
        }
        return args;
    }

    /// <summary>Moves to the next line of a <c>{ }</c> block; false when the block ends or there is none.</summary>
    public bool NextBlock()
    {
        if (_nesting > 0)
        {
            if (!Next())
            {
                return false;
            }
            if (Val == "}")
            {
                _nesting--;
                return false;
            }
            return true;
        }
        if (!NextArg())
        {
            return false;
        }
        if (Val != "{")
        {
            _cursor--;
            return false;
        }
        Next();
        if (Val == "}")
        {
            return false;
        }
        _nesting++;
        return true;
    }

    /// <summary>All remaining arguments on the current line (stops before a <c>{</c>).</summary>
    public List<string> RemainingArgs()
    {
        var args = new List<string>();
        while (NextArg())
        {
            if (Val == "{" && !_tokens[_cursor].Quoted)
            {
                _cursor--;
                break;
            }
            args.Add(Val);
        }
        return args;
    }

    /// <summary>"Wrong argument count or unexpected line ending after 'X'".</summary>
    public CorefileException ArgErr() =>
        Val == "{"
            ? Err("Unexpected token '{', expecting argument")
            : Err($"Wrong argument count or unexpected line ending after '{Val}'");

    /// <summary>"Syntax error: Unexpected token 'X', expecting 'Y'".</summary>
    public CorefileException SyntaxErr(string expected) =>
        Err($"Syntax error: Unexpected token '{Val}', expecting '{expected}'");

    /// <summary>An error at the current token.</summary>
    public CorefileException Err(string reason) => new(File, Line, reason);

    /// <summary>An error at the current token, formatted.</summary>
    public CorefileException Errf(string format, params object[] args) =>
        new(File, Line, string.Format(CultureInfo.InvariantCulture, format, args));
}
