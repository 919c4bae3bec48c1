using System.Text;

namespace Dns.Core.Corefile;

/// <summary>
/// Splits Corefile text into tokens as Caddy's lexer does: whitespace separates, a token starting with <c>"</c> runs
/// to the closing quote (backslash escapes a quote, any other backslash is kept; newlines allowed) and ends there,
/// <c>#</c> outside quotes comments to end of line (also in the middle of a token), <c>\r</c> and a UTF-8 BOM are ignored.
/// </summary>
public static class CorefileLexer
{
    /// <summary>Tokenizes <paramref name="text"/>; an unterminated quoted string is a <see cref="CorefileException"/>.</summary>
    public static List<CorefileToken> Tokenize(string text, string file)
    {
        var tokens = new List<CorefileToken>();
        var sb = new StringBuilder();
        var line = 1;
        var tokenLine = 1;
        var quoted = false;
        var escaped = false;
        var comment = false;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                continue;
            }
            if (quoted)
            {
                if (!escaped && c == '\\')
                {
                    escaped = true;
                    continue;
                }
                if (!escaped && c == '"')
                {
                    // Caddy ends a quoted token at its closing quote: "a"b is two tokens.
                    tokens.Add(new CorefileToken(sb.ToString(), file, tokenLine, Quoted: true));
                    sb.Clear();
                    quoted = false;
                    continue;
                }
                if (escaped && c != '"')
                {
                    // Only quotes can be escaped; every other backslash stays.
                    sb.Append('\\');
                }
                escaped = false;
                if (c == '\n')
                {
                    line++;
                }
                sb.Append(c);
                continue;
            }
            if (c == '\n')
            {
                comment = false;
            }
            if (char.IsWhiteSpace(c))
            {
                Flush(tokens, sb, file, tokenLine);
                if (c == '\n')
                {
                    line++;
                }
                continue;
            }
            if (c == '#')
            {
                comment = true;
            }
            if (comment)
            {
                continue;
            }
            if (sb.Length == 0)
            {
                tokenLine = line;
                if (c == '"')
                {
                    quoted = true;
                    continue;
                }
            }
            sb.Append(c);
        }
        if (quoted)
        {
            throw new CorefileException(file, tokenLine, "Unterminated quoted string");
        }
        Flush(tokens, sb, file, tokenLine);
        return tokens;
    }

    private static void Flush(List<CorefileToken> tokens, StringBuilder sb, string file, int line)
    {
        if (sb.Length > 0)
        {
            tokens.Add(new CorefileToken(sb.ToString(), file, line));
            sb.Clear();
        }
    }
}
