using System.Text;

namespace Dns.Core.Corefile;

/// <summary>
/// Splits Corefile text into tokens as Caddy's lexer does: whitespace separates, <c>"..."</c> quotes (backslash
/// escapes a quote; newlines allowed), <c>#</c> outside quotes comments to end of line, <c>\r</c> and a UTF-8 BOM ignored.
/// </summary>
public static class CorefileLexer
{
    /// <summary>Tokenizes <paramref name="text"/>.</summary>
    public static List<CorefileToken> Tokenize(string text, string file)
    {
        var tokens = new List<CorefileToken>();
        var sb = new StringBuilder();
        var line = 1;
        var tokenLine = 1;
        var quoted = false;
        var wasQuoted = false;
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
            if (comment)
            {
                if (c == '\n')
                {
                    comment = false;
                    line++;
                }
                continue;
            }
            if (quoted)
            {
                if (escaped)
                {
                    if (c != '"')
                    {
                        sb.Append('\\');
                    }
                    sb.Append(c);
                    escaped = false;
                    if (c == '\n')
                    {
                        line++;
                    }
                    continue;
                }
                if (c == '\\')
                {
                    escaped = true;
                    continue;
                }
                if (c == '"')
                {
                    quoted = false;
                    continue;
                }
                if (c == '\n')
                {
                    line++;
                }
                sb.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (sb.Length > 0 || wasQuoted)
                {
                    tokens.Add(new CorefileToken(sb.ToString(), file, tokenLine, wasQuoted));
                    sb.Clear();
                    wasQuoted = false;
                }
                if (c == '\n')
                {
                    line++;
                }
                continue;
            }
            if (c == '#')
            {
                if (sb.Length > 0 || wasQuoted)
                {
                    tokens.Add(new CorefileToken(sb.ToString(), file, tokenLine, wasQuoted));
                    sb.Clear();
                    wasQuoted = false;
                }
                comment = true;
                continue;
            }
            if (sb.Length == 0 && !wasQuoted)
            {
                tokenLine = line;
            }
            if (c == '"' && sb.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
                continue;
            }
            sb.Append(c);
        }
        if (quoted)
        {
            throw new CorefileException(file, tokenLine, "Unterminated quoted string");
        }
        if (sb.Length > 0 || wasQuoted)
        {
            tokens.Add(new CorefileToken(sb.ToString(), file, tokenLine, wasQuoted));
        }
        return tokens;
    }
}
