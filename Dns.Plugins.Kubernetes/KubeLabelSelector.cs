using System.Globalization;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// A Kubernetes label selector (k8s.io/apimachinery labels.Parse): requirements joined by commas, each
/// <c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>, <c>key in (a,b)</c>,
/// <c>key notin (a,b)</c>, <c>key&gt;N</c> or <c>key&lt;N</c>. Used to check <c>labels</c>/<c>namespace_labels</c> at setup
/// and to apply them to manifest data (the API server applies them itself).
/// </summary>
internal sealed class KubeLabelSelector
{
    private enum Op
    {
        Exists,
        NotExists,
        Equals,
        NotEquals,
        In,
        NotIn,
        GreaterThan,
        LessThan,
    }

    private readonly List<(string Key, Op Op, string[] Values)> _requirements;

    private KubeLabelSelector(List<(string, Op, string[])> requirements) => _requirements = requirements;

    /// <summary>Parses <paramref name="text"/>; false with a reason when it is not a selector.</summary>
    public static bool TryParse(string text, out KubeLabelSelector selector, out string error)
    {
        selector = new KubeLabelSelector([]);
        error = "";
        var i = 0;
        while (true)
        {
            SkipSpaces(text, ref i);
            if (i >= text.Length)
            {
                if (selector._requirements.Count == 0)
                {
                    return true;
                }
                error = "expected a requirement after ','";
                return false;
            }
            if (!TryRequirement(text, ref i, out var req, out error))
            {
                return false;
            }
            selector._requirements.Add(req);
            SkipSpaces(text, ref i);
            if (i >= text.Length)
            {
                return true;
            }
            if (text[i] != ',')
            {
                error = $"found '{text[i]}', expected: ','";
                return false;
            }
            i++;
        }
    }

    /// <summary>True when <paramref name="labels"/> satisfy every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, op, values) in _requirements)
        {
            var has = labels.TryGetValue(key, out var v);
            var ok = op switch
            {
                Op.Exists => has,
                Op.NotExists => !has,
                Op.Equals => has && v == values[0],
                Op.NotEquals => !has || v != values[0],
                Op.In => has && Array.IndexOf(values, v) >= 0,
                Op.NotIn => !has || Array.IndexOf(values, v) < 0,
                Op.GreaterThan => has && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) && g > long.Parse(values[0], CultureInfo.InvariantCulture),
                Op.LessThan => has && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l < long.Parse(values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryRequirement(string s, ref int i, out (string, Op, string[]) req, out string error)
    {
        req = default;
        var negate = false;
        if (s[i] == '!')
        {
            negate = true;
            i++;
            SkipSpaces(s, ref i);
        }
        var key = Identifier(s, ref i);
        if (key.Length == 0)
        {
            error = "expected a label key";
            return false;
        }
        SkipSpaces(s, ref i);
        if (negate)
        {
            req = (key, Op.NotExists, []);
            error = "";
            return i >= s.Length || s[i] == ',' || Fail(out error, "unexpected text after '!" + key + "'");
        }
        if (i >= s.Length || s[i] == ',')
        {
            req = (key, Op.Exists, []);
            error = "";
            return true;
        }
        Op op;
        if (s[i] == '=')
        {
            i += i + 1 < s.Length && s[i + 1] == '=' ? 2 : 1;
            op = Op.Equals;
        }
        else if (s[i] == '!' && i + 1 < s.Length && s[i + 1] == '=')
        {
            i += 2;
            op = Op.NotEquals;
        }
        else if (s[i] is '>' or '<')
        {
            op = s[i] == '>' ? Op.GreaterThan : Op.LessThan;
            i++;
        }
        else
        {
            var word = Identifier(s, ref i);
            op = word switch
            {
                "in" => Op.In,
                "notin" => Op.NotIn,
                _ => (Op)(-1),
            };
            if ((int)op < 0)
            {
                return Fail(out error, $"found '{word}', expected: in, notin, =, ==, !=, gt, lt");
            }
        }
        SkipSpaces(s, ref i);
        if (op is Op.In or Op.NotIn)
        {
            if (i >= s.Length || s[i] != '(')
            {
                return Fail(out error, "expected '(' after " + (op == Op.In ? "in" : "notin"));
            }
            i++;
            var values = new List<string>();
            while (true)
            {
                SkipSpaces(s, ref i);
                var v = Identifier(s, ref i);
                values.Add(v);
                SkipSpaces(s, ref i);
                if (i < s.Length && s[i] == ',')
                {
                    i++;
                    continue;
                }
                if (i < s.Length && s[i] == ')')
                {
                    i++;
                    break;
                }
                return Fail(out error, "expected ',' or ')' in value set");
            }
            req = (key, op, values.ToArray());
            error = "";
            return true;
        }
        var value = Identifier(s, ref i);
        if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return Fail(out error, $"for 'gt', 'lt' operators, exactly one integer value is required, found '{value}'");
        }
        req = (key, op, [value]);
        error = "";
        return true;
    }

    private static bool Fail(out string error, string message)
    {
        error = message;
        return false;
    }

    private static string Identifier(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '_' or '.' or '/'))
        {
            i++;
        }
        return s[start..i];
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }
}
