namespace Dns.Testing.FakeKubeApi;

/// <summary>
/// The label selector grammar of the API server (equality: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>; set: <c>a in (x,y)</c>,
/// <c>a notin (x)</c>; existence: <c>a</c>, <c>!a</c>), requirements joined by commas.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IDictionary<string, string>?, bool>> _requirements = [];

    private LabelSelector()
    {
    }

    /// <summary>Selects everything.</summary>
    public static LabelSelector Everything { get; } = new();

    /// <summary>Parses a selector (null or blank: everything).</summary>
    public static LabelSelector Parse(string? text)
    {
        var s = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
        {
            return s;
        }
        foreach (var raw in SplitTopLevel(text))
        {
            var r = raw.Trim();
            if (r.Length == 0)
            {
                continue;
            }
            int i;
            if (r.StartsWith('!'))
            {
                var key = r[1..].Trim();
                s._requirements.Add(l => l is null || !l.ContainsKey(key));
            }
            else if ((i = r.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                var key = r[..i].Trim();
                var val = r[(i + 2)..].Trim();
                s._requirements.Add(l => l is null || !l.TryGetValue(key, out var v) || v != val);
            }
            else if ((i = r.IndexOf('=')) > 0)
            {
                var key = r[..i].Trim();
                var val = r[(i + 1)..].TrimStart('=').Trim();
                s._requirements.Add(l => l is not null && l.TryGetValue(key, out var v) && v == val);
            }
            else if (SetRequirement(r, " notin ", out var key, out var values))
            {
                s._requirements.Add(l => l is null || !l.TryGetValue(key, out var v) || !values.Contains(v));
            }
            else if (SetRequirement(r, " in ", out key, out values))
            {
                s._requirements.Add(l => l is not null && l.TryGetValue(key, out var v) && values.Contains(v));
            }
            else
            {
                var k = r;
                s._requirements.Add(l => l is not null && l.ContainsKey(k));
            }
        }
        return s;
    }

    /// <summary>Whether <paramref name="labels"/> satisfy every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var r in _requirements)
        {
            if (!r(labels))
            {
                return false;
            }
        }
        return true;
    }

    private static bool SetRequirement(string r, string op, out string key, out HashSet<string> values)
    {
        key = "";
        values = [];
        var i = r.IndexOf(op, StringComparison.Ordinal);
        if (i <= 0)
        {
            return false;
        }
        key = r[..i].Trim();
        var rest = r[(i + op.Length)..].Trim().TrimStart('(').TrimEnd(')');
        foreach (var v in rest.Split(','))
        {
            values.Add(v.Trim());
        }
        return true;
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }
}
