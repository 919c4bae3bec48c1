using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Reads Kubernetes objects from a YAML or JSON file, or from every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file
/// of a directory (top level only, names starting with '.' skipped, so a mounted ConfigMap's <c>..data</c> links are
/// not read twice). Multi-document YAML and <c>kind: List</c> (or <c>ServiceList</c> ...) are understood; kinds other
/// than Service, EndpointSlice, Pod and Namespace are skipped. Any error names the file, line and object.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Extensions read from a directory.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".yaml", ".yml", ".json"];

    /// <summary>The files <paramref name="path"/> stands for, sorted (throws <see cref="ManifestException"/> when it does not exist).</summary>
    public static IReadOnlyList<string> Files(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }
        if (!Directory.Exists(path))
        {
            throw new ManifestException(path, "no such file or directory");
        }
        var files = new List<string>();
        foreach (var f in Directory.EnumerateFiles(path))
        {
            var name = Path.GetFileName(f);
            if (name.StartsWith('.'))
            {
                continue;
            }
            foreach (var ext in Extensions)
            {
                if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                {
                    files.Add(f);
                    break;
                }
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Loads a file or directory.</summary>
    public static ManifestContent Load(string path)
    {
        var acc = new Accumulator();
        foreach (var f in Files(path))
        {
            string text;
            try
            {
                text = File.ReadAllText(f);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ManifestException(f, e.Message, e);
            }
            acc.Files.Add(f);
            Parse(text, f, acc);
        }
        return acc.ToContent();
    }

    /// <summary>Loads manifest text; <paramref name="fileName"/> is used in errors.</summary>
    public static ManifestContent LoadText(string text, string fileName = "manifest")
    {
        var acc = new Accumulator();
        acc.Files.Add(fileName);
        Parse(text, fileName, acc);
        return acc.ToContent();
    }

    private static void Parse(string text, string file, Accumulator acc)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ManifestException(file, $"line {e.Start.Line}: {e.Message}", e);
        }
        foreach (var doc in stream.Documents)
        {
            Add(doc.RootNode, file, acc);
        }
    }

    private static void Add(YamlNode node, string file, Accumulator acc)
    {
        if (node is YamlScalarNode { Value: null or "" or "null" or "~" })
        {
            // An empty document ("---" with only comments).
            return;
        }
        if (node is not YamlMappingNode map)
        {
            throw new ManifestException(file, $"line {node.Start.Line}: a document must be a Kubernetes object (a mapping)");
        }
        var apiVersion = Scalar(map, "apiVersion");
        var kind = Scalar(map, "kind");
        if (string.IsNullOrEmpty(kind))
        {
            throw new ManifestException(file, $"line {node.Start.Line}: object without 'kind'");
        }
        if (kind == "List" || (kind.EndsWith("List", StringComparison.Ordinal) && Child(map, "items") is not null))
        {
            switch (Child(map, "items"))
            {
                case YamlSequenceNode items:
                    foreach (var item in items)
                    {
                        Add(item, file, acc);
                    }
                    return;
                case null:
                    return;
                default:
                    throw new ManifestException(file, $"line {node.Start.Line}: {kind} 'items' must be a list");
            }
        }
        var name = Child(map, "metadata") is YamlMappingNode meta ? Scalar(meta, "name") : null;
        var what = $"line {node.Start.Line}: {kind} \"{name}\"";
        switch ((apiVersion, kind))
        {
            case ("v1", "Service"):
                acc.Services.Add(Typed<V1Service>(map, file, what));
                break;
            case ("discovery.k8s.io/v1", "EndpointSlice"):
                acc.Slices.Add(Typed<V1EndpointSlice>(map, file, what));
                break;
            case ("v1", "Pod"):
                acc.Pods.Add(Typed<V1Pod>(map, file, what));
                break;
            case ("v1", "Namespace"):
                acc.Namespaces.Add(Typed<V1Namespace>(map, file, what));
                break;
            default:
                acc.Skipped.Add((apiVersion ?? "") + "/" + kind);
                break;
        }
    }

    private static T Typed<T>(YamlMappingNode map, string file, string what)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (Child(map, "metadata") is not YamlMappingNode meta || string.IsNullOrEmpty(Scalar(meta, "name")))
        {
            throw new ManifestException(file, $"{what}: metadata.name is required");
        }
        // Fast path: YAML -> JSON -> KubernetesJson (System.Text.Json). KubernetesYaml's first use costs seconds of
        // start-up (it reflects over every model), so it is only the fallback for documents the JSON path rejects,
        // e.g. a number written where the schema wants a string (a label value `version: 2`).
        JsonException jsonError;
        try
        {
            return KubernetesJson.Deserialize<T>(ToJson(map)) ?? throw new ManifestException(file, $"{what}: empty object");
        }
        catch (JsonException e)
        {
            jsonError = e;
        }
        try
        {
            var sb = new StringBuilder();
            using (var w = new StringWriter(sb))
            {
                new YamlStream(new YamlDocument(map)).Save(w, assignAnchors: false);
            }
            return KubernetesYaml.Deserialize<T>(sb.ToString()) ?? throw new ManifestException(file, $"{what}: empty object");
        }
        catch (ManifestException)
        {
            throw;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new ManifestException(file, $"{what}: {jsonError.Message}", jsonError);
        }
    }

    /// <summary>YAML 1.2 core schema to JSON: plain scalars may be null, booleans or numbers; quoted ones are strings.</summary>
    private static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode m:
                var o = new JsonObject();
                foreach (var kv in m.Children)
                {
                    if (kv.Key is YamlScalarNode { Value: { } key })
                    {
                        o[key] = ToJson(kv.Value);
                    }
                }
                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (var item in seq)
                {
                    a.Add(ToJson(item));
                }
                return a;
            case YamlScalarNode scalar:
                var v = scalar.Value ?? "";
                if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
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
            default:
                return null;
        }
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

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private sealed class Accumulator
    {
        public List<string> Files { get; } = [];

        public List<V1Service> Services { get; } = [];

        public List<V1EndpointSlice> Slices { get; } = [];

        public List<V1Pod> Pods { get; } = [];

        public List<V1Namespace> Namespaces { get; } = [];

        public List<string> Skipped { get; } = [];

        public ManifestContent ToContent() => new()
        {
            Files = Files,
            Services = Services,
            EndpointSlices = Slices,
            Pods = Pods,
            Namespaces = Namespaces,
            Skipped = Skipped,
        };
    }
}
