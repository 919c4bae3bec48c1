using System.Globalization;
using System.Text.Json.Nodes;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// YAML 1.2 core schema to JSON, shared by the YamlDotNet path and <see cref="ManifestYamlReader"/> so both type scalars
/// identically: plain scalars may be null, booleans or numbers; quoted, literal and tagged ones are strings.
/// </summary>
internal static class ManifestScalar
{
    /// <summary>The JSON value of a scalar; <paramref name="plain"/> when it was written without quotes, block style or tag.</summary>
    public static JsonNode? ToJson(string v, bool plain)
    {
        if (!plain)
        {
            return JsonValue.Create(v);
        }
        if (v is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (v is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }
        if (v is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }
        if (IsInteger(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (IsFloat(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(v);
    }

    private static bool IsInteger(string v)
    {
        var i = v[0] is '-' or '+' ? 1 : 0;
        if (i == v.Length)
        {
            return false;
        }
        for (; i < v.Length; i++)
        {
            if (v[i] is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsFloat(string v)
    {
        // [-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?
        var i = v[0] is '-' or '+' ? 1 : 0;
        var mantissaDigits = 0;
        var dot = false;
        for (; i < v.Length && (char.IsAsciiDigit(v[i]) || (v[i] == '.' && !dot)); i++)
        {
            if (v[i] == '.')
            {
                dot = true;
            }
            else
            {
                mantissaDigits++;
            }
        }
        if (mantissaDigits == 0)
        {
            return false;
        }
        if (i < v.Length && v[i] is 'e' or 'E')
        {
            i++;
            if (i < v.Length && v[i] is '-' or '+')
            {
                i++;
            }
            var expDigits = 0;
            for (; i < v.Length && char.IsAsciiDigit(v[i]); i++)
            {
                expDigits++;
            }
            if (expDigits == 0)
            {
                return false;
            }
        }
        return i == v.Length;
    }
}
