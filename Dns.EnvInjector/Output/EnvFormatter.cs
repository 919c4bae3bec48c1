using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dns.EnvInjector.Rules;

namespace Dns.EnvInjector.Output;

/// <summary>Writes variables in one of the <see cref="OutputFormat"/>s.</summary>
internal static class EnvFormatter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        // Values are addresses and URLs; keep them readable (no \u002B-style escaping).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses a <c>--format</c> value (case-insensitive).</summary>
    public static bool TryParse(string text, out OutputFormat format)
    {
        switch (text.ToLowerInvariant())
        {
            case "env":
            case "dotenv":
                format = OutputFormat.Env;
                return true;
            case "shell":
            case "sh":
                format = OutputFormat.Shell;
                return true;
            case "json":
                format = OutputFormat.Json;
                return true;
            case "yaml":
            case "yml":
                format = OutputFormat.Yaml;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>
    /// Formats <paramref name="vars"/>. Names that are not portable shell identifiers cannot be exported by a POSIX
    /// shell; in <see cref="OutputFormat.Shell"/> they are left out and reported through <paramref name="skipped"/>.
    /// </summary>
    public static string Format(IReadOnlyList<EnvVar> vars, OutputFormat format, Action<string>? skipped = null)
    {
        var sb = new StringBuilder();
        switch (format)
        {
            case OutputFormat.Env:
                foreach (var v in vars)
                {
                    sb.Append(v.Name).Append('=').Append(v.Value).Append('\n');
                }
                break;
            case OutputFormat.Shell:
                foreach (var v in vars)
                {
                    if (!IsShellName(v.Name))
                    {
                        skipped?.Invoke(v.Name);
                        continue;
                    }
                    sb.Append("export ").Append(v.Name).Append('=').Append(ShellQuote(v.Value)).Append('\n');
                }
                break;
            case OutputFormat.Json:
                sb.Append(ToJson(vars)).Append('\n');
                break;
            case OutputFormat.Yaml:
                sb.Append("env:\n");
                foreach (var v in vars)
                {
                    sb.Append("- name: ").Append(YamlQuote(v.Name)).Append('\n');
                    sb.Append("  value: ").Append(YamlQuote(v.Value)).Append('\n');
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
        return sb.ToString();
    }

    /// <summary>Single-quotes for a POSIX shell: nothing is special inside '...' except the quote itself, written '\''.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A POSIX shell variable name: <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    public static bool IsShellName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A YAML double-quoted scalar. Always quoted so that ports stay strings (a bare 443 is an integer, which the API
    /// server rejects for <c>value</c>); JSON string escapes are valid YAML double-quoted escapes.
    /// </summary>
    public static string YamlQuote(string value) => JsonSerializer.Serialize(value, JsonStringOptions.Relaxed);

    private static string ToJson(IReadOnlyList<EnvVar> vars)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOptions))
        {
            w.WriteStartObject();
            foreach (var v in vars)
            {
                w.WriteString(v.Name, v.Value);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
