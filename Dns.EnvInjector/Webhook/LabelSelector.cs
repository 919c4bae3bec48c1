namespace Dns.EnvInjector.Webhook;

/// <summary>
/// A Kubernetes label selector in its string form (<c>labels.Parse</c>): comma-separated requirements
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>; all must hold.
/// An empty selector matches everything.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements, string text)
    {
        _requirements = requirements;
        Text = text;
    }

    /// <summary>The selector as given.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the bad part.</summary>
    public static LabelSelector Parse(string text)
    {
        var requirements = new List<Requirement>();
        var pos = 0;
        var s = text;
        SkipSpaces(s, ref pos);
        if (pos == s.Length)
        {
            return new LabelSelector(requirements, text);
        }
        while (true)
        {
            SkipSpaces(s, ref pos);
            var negated = false;
            if (pos < s.Length && s[pos] == '!')
            {
                negated = true;
                pos++;
                SkipSpaces(s, ref pos);
            }
            var key = ReadToken(s, ref pos);
            if (key.Length == 0)
            {
                throw new FormatException("label selector \"" + text + "\": expected a label key at offset " + pos);
            }
            SkipSpaces(s, ref pos);
            if (negated)
            {
                requirements.Add(new Requirement(key, Operator.DoesNotExist, []));
            }
            else if (pos < s.Length && (s[pos] == '=' || s[pos] == '!'))
            {
                Operator op;
                if (s[pos] == '!')
                {
                    if (pos + 1 >= s.Length || s[pos + 1] != '=')
                    {
                        throw new FormatException("label selector \"" + text + "\": expected != at offset " + pos);
                    }
                    op = Operator.NotEquals;
                    pos += 2;
                }
                else
                {
                    op = Operator.Equals;
                    pos += pos + 1 < s.Length && s[pos + 1] == '=' ? 2 : 1;
                }
                SkipSpaces(s, ref pos);
                var value = ReadToken(s, ref pos);
                requirements.Add(new Requirement(key, op, [value]));
            }
            else if (StartsWithWord(s, pos, "in") || StartsWithWord(s, pos, "notin"))
            {
                var op = s[pos] == 'i' ? Operator.In : Operator.NotIn;
                pos += op == Operator.In ? 2 : 5;
                SkipSpaces(s, ref pos);
                if (pos >= s.Length || s[pos] != '(')
                {
                    throw new FormatException("label selector \"" + text + "\": expected ( at offset " + pos);
                }
                pos++;
                var values = new List<string>();
                while (true)
                {
                    SkipSpaces(s, ref pos);
                    values.Add(ReadToken(s, ref pos));
                    SkipSpaces(s, ref pos);
                    if (pos < s.Length && s[pos] == ',')
                    {
                        pos++;
                        continue;
                    }
                    if (pos < s.Length && s[pos] == ')')
                    {
                        pos++;
                        break;
                    }
                    throw new FormatException("label selector \"" + text + "\": expected , or ) at offset " + pos);
                }
                requirements.Add(new Requirement(key, op, values));
            }
            else
            {
                requirements.Add(new Requirement(key, Operator.Exists, []));
            }
            SkipSpaces(s, ref pos);
            if (pos == s.Length)
            {
                break;
            }
            if (s[pos] != ',')
            {
                throw new FormatException("label selector \"" + text + "\": unexpected '" + s[pos] + "' at offset " + pos);
            }
            pos++;
        }
        return new LabelSelector(requirements, text);
    }

    /// <summary>Whether every requirement holds for <paramref name="labels"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.Equals => has && value == r.Values[0],
                Operator.NotEquals => !has || value != r.Values[0],
                Operator.In => has && r.Values.Contains(value!),
                Operator.NotIn => !has || !r.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool StartsWithWord(string s, int pos, string word) =>
        string.CompareOrdinal(s, pos, word, 0, word.Length) == 0
        && (pos + word.Length == s.Length || s[pos + word.Length] == ' ' || s[pos + word.Length] == '(');

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }
    }

    private static string ReadToken(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && (char.IsAsciiLetterOrDigit(s[pos]) || s[pos] is '-' or '_' or '.' or '/'))
        {
            pos++;
        }
        return s[start..pos];
    }

    private enum Operator
    {
        Exists,
        DoesNotExist,
        Equals,
        NotEquals,
        In,
        NotIn,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values);
}
