using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

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

    /// <summary>Whether a file of a watched directory is read (its extension, in any case, is one of <see cref="Extensions"/>).</summary>
    public static bool IsManifestFile(string fileName)
    {
        var ext = Path.GetExtension(fileName);
        foreach (var e in Extensions)
        {
            if (string.Equals(e, ext, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

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

    /// <summary>Loads a file or directory as typed objects.</summary>
    public static ManifestContent Load(string path)
    {
        var sink = new TypedManifestSink();
        foreach (var f in Files(path))
        {
            sink.Files.Add(f);
            ReadFile(f, sink);
        }
        return sink.ToContent();
    }

    /// <summary>Loads manifest text; <paramref name="fileName"/> is used in errors.</summary>
    public static ManifestContent LoadText(string text, string fileName = "manifest")
    {
        var sink = new TypedManifestSink();
        sink.Files.Add(fileName);
        Read(new StringReader(text), fileName, sink, () => new StringReader(text));
        return sink.ToContent();
    }

    /// <summary>
    /// <see cref="LoadText"/> with YamlDotNet and KubernetesJson only (no <see cref="ManifestYamlReader"/>, no
    /// <see cref="ManifestModelReader"/>): what the fast paths must agree with.
    /// </summary>
    internal static ManifestContent LoadTextReference(string text, string fileName = "manifest")
    {
        var sink = new TypedManifestSink { Direct = false };
        sink.Files.Add(fileName);
        Read(new StringReader(text), fileName, sink, () => new StringReader(text));
        return sink.ToContent();
    }

    /// <summary>
    /// Adds the YAML documents of <paramref name="text"/> as YamlDotNet reads them (root node and the line it starts on)
    /// to <paramref name="documents"/>; a <see cref="ManifestException"/> leaves the documents before the error there.
    /// </summary>
    internal static void ReadYamlDotNetDocuments(string text, List<(JsonNode? Root, int Line)> documents) =>
        ReadYamlDotNet(new StringReader(text), "manifest", 0, (root, line) => documents.Add((root, line)));

    /// <summary>
    /// Loads a file or directory straight into a synced snapshot, converting each object as it is read (large manifests
    /// are never held as typed objects). Namespaces referenced but not declared are created implicitly.
    /// </summary>
    public static ClusterSnapshot LoadSnapshot(string path, uint serial, ILogger? logger = null, bool keepPodNames = true)
    {
        var sink = new SnapshotManifestSink(logger, keepPodNames);
        foreach (var f in Files(path))
        {
            ReadFile(f, sink);
        }
        return sink.ToSnapshot(serial);
    }

    private static void ReadFile(string file, ManifestSink sink)
    {
        using var reader = Open(file);
        Read(reader, file, sink, () => Open(file));
    }

    private static StreamReader Open(string file)
    {
        try
        {
            return new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 65536 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(file, e.Message, e);
        }
    }

    /// <summary>
    /// Reads JSON (a <c>.json</c> file, or text starting with '{' or '[') with System.Text.Json, many times faster than
    /// a YAML parser and worth it for generated cluster-sized manifests; anything else as YAML, document by document,
    /// one object at a time. <paramref name="reopen"/> reads the same text again from the start (for the YamlDotNet
    /// fallback).
    /// </summary>
    private static void Read(TextReader reader, string file, ManifestSink sink, Func<TextReader> reopen)
    {
        var first = reader.Peek();
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || first is '{' or '[')
        {
            var text = reader.ReadToEnd();
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException) when (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                // YAML flow style ({a: b}) looks like JSON at first sight.
                ReadYaml(new StringReader(text), file, sink, () => new StringReader(text));
                return;
            }
            catch (JsonException e)
            {
                throw new ManifestException(file, $"line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
            }
            if (root is JsonArray array)
            {
                // Not something kubectl takes, but the obvious meaning: a list of objects.
                var i = 0;
                foreach (var item in array)
                {
                    AddObject(item, $"item {i++}", file, sink);
                }
                return;
            }
            Add(root, 1, file, sink);
            return;
        }
        ReadYaml(reader, file, sink, reopen);
    }

    /// <summary>
    /// YAML with <see cref="ManifestYamlReader"/>; from the first document it does not handle on, with YamlDotNet
    /// (reading the text again and skipping the documents already added, so errors and results are YamlDotNet's).
    /// A file rewritten between the two reads may load mixed; the rewrite's change event loads it again.
    /// </summary>
    private static void ReadYaml(TextReader reader, string file, ManifestSink sink, Func<TextReader> reopen)
    {
        if (!sink.Direct)
        {
            ReadYamlDotNet(reader, file, 0, (root, line) => Add(root, line, file, sink));
            return;
        }
        var fast = new ManifestYamlReader(reader);
        var added = 0;
        while (true)
        {
            switch (fast.Next(out var root, out var line))
            {
                case ManifestYamlReader.Result.Document:
                    Add(root, line, file, sink);
                    added++;
                    continue;
                case ManifestYamlReader.Result.End:
                    return;
            }
            break;
        }
        using var again = reopen();
        ReadYamlDotNet(again, file, added, (root, line) => Add(root, line, file, sink));
    }

    private static void ReadYamlDotNet(TextReader reader, string file, int skipDocuments, Action<JsonNode?, int> onDocument)
    {
        try
        {
            var parser = new Parser(reader);
            parser.Consume<StreamStart>();
            for (var skipped = 0; skipped < skipDocuments && parser.TryConsume<DocumentStart>(out _); skipped++)
            {
                parser.SkipThisAndNestedEvents();
                parser.Consume<DocumentEnd>();
            }
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var line = (int)parser.Current!.Start.Line;
                var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                var root = ReadNode(parser, anchors);
                parser.Consume<DocumentEnd>();
                onDocument(root, line);
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            throw new ManifestException(file, $"line {e.Start.Line}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser throws this (not a YamlException) on some malformed flow collections after a
            // complex key; it must not escape as anything but a bad manifest (the source keeps its old snapshot).
            throw new ManifestException(file, "invalid YAML: " + e.Message, e);
        }
        catch (IOException e)
        {
            throw new ManifestException(file, e.Message, e);
        }
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        JsonNode? node;
        AnchorName anchor;
        switch (parser.Current)
        {
            case Scalar scalar:
                parser.MoveNext();
                node = ScalarToJson(scalar);
                anchor = scalar.Anchor;
                break;
            case SequenceStart seq:
                parser.MoveNext();
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(parser, anchors));
                }
                node = array;
                anchor = seq.Anchor;
                break;
            case MappingStart map:
                parser.MoveNext();
                var obj = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = parser.Current is Scalar k ? k.Value : null;
                    var keyLine = parser.Current!.Start.Line;
                    if (key is null)
                    {
                        throw new YamlException(parser.Current.Start, parser.Current.End, "mapping keys must be plain scalars");
                    }
                    parser.MoveNext();
                    var value = ReadNode(parser, anchors);
                    if (key == "<<" && value is JsonObject merge)
                    {
                        // YAML merge key: copy the anchored mapping's entries that are not set here.
                        foreach (var kv in merge)
                        {
                            if (!obj.ContainsKey(kv.Key))
                            {
                                obj[kv.Key] = kv.Value?.DeepClone();
                            }
                        }
                        continue;
                    }
                    if (obj.ContainsKey(key))
                    {
                        throw new YamlException(parser.Current!.Start, parser.Current.End, $"duplicate key '{key}' (line {keyLine})");
                    }
                    obj[key] = value;
                }
                node = obj;
                anchor = map.Anchor;
                break;
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
                }
                return target?.DeepClone();
            default:
                var e = parser.Current;
                throw new YamlException(e?.Start ?? Mark.Empty, e?.End ?? Mark.Empty, "unexpected YAML event " + e?.GetType().Name);
        }
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
        return node;
    }

    private static void Add(JsonNode? node, int line, string file, ManifestSink sink)
    {
        if (node is null)
        {
            // An empty document ("---" with only comments).
            return;
        }
        if (node is not JsonObject map)
        {
            throw new ManifestException(file, $"line {line}: a document must be a Kubernetes object (a mapping)");
        }
        var kind = Text(map, "kind");
        if (string.IsNullOrEmpty(kind))
        {
            throw new ManifestException(file, $"line {line}: object without 'kind'");
        }
        if (kind == "List" || (kind.EndsWith("List", StringComparison.Ordinal) && map["items"] is not null))
        {
            switch (map["items"])
            {
                case JsonArray items:
                    var i = 0;
                    foreach (var item in items)
                    {
                        AddObject(item, $"line {line}: {kind} item {i++}", file, sink);
                    }
                    return;
                case null:
                    return;
                default:
                    throw new ManifestException(file, $"line {line}: {kind} 'items' must be a list");
            }
        }
        AddObject(map, $"line {line}", file, sink);
    }

    private static void AddObject(JsonNode? node, string where, string file, ManifestSink sink)
    {
        if (node is not JsonObject map)
        {
            throw new ManifestException(file, $"{where}: not a Kubernetes object (a mapping)");
        }
        var apiVersion = Text(map, "apiVersion");
        var kind = Text(map, "kind");
        var name = map["metadata"] is JsonObject meta ? Text(meta, "name") : null;
        var what = $"{where}: {kind} \"{name}\"";
        if (string.IsNullOrEmpty(kind))
        {
            throw new ManifestException(file, $"{where}: object without 'kind'");
        }
        switch ((apiVersion, kind))
        {
            case ("v1", "Service"):
                sink.Add(Typed<V1Service>(map, name, file, what, sink.Direct ? ManifestModelReader.Service : null));
                break;
            case ("discovery.k8s.io/v1", "EndpointSlice"):
                sink.Add(Typed<V1EndpointSlice>(map, name, file, what, sink.Direct ? ManifestModelReader.EndpointSlice : null));
                break;
            case ("v1", "Pod"):
                sink.Add(Typed<V1Pod>(map, name, file, what, sink.Direct ? ManifestModelReader.Pod : null));
                break;
            case ("v1", "Namespace"):
                sink.Add(Typed<V1Namespace>(map, name, file, what, sink.Direct ? ManifestModelReader.Namespace : null));
                break;
            default:
                sink.Skip((apiVersion ?? "") + "/" + kind);
                break;
        }
    }

    private static T Typed<T>(JsonObject map, string? name, string file, string what, Func<JsonObject, T?>? direct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ManifestException(file, $"{what}: metadata.name is required");
        }
        if (direct?.Invoke(map) is { } built)
        {
            return built;
        }
        // Fast path: System.Text.Json from the parsed tree. KubernetesYaml's first use costs seconds of start-up (it
        // reflects over every model), so it is only the fallback for objects the JSON path rejects, e.g. a number
        // written where the schema wants a string (a label value `version: 2`), which kubectl-style YAML accepts.
        JsonException jsonError;
        try
        {
            return KubernetesJson.Deserialize<T>(map) ?? throw new ManifestException(file, $"{what}: empty object");
        }
        catch (JsonException e)
        {
            jsonError = e;
        }
        try
        {
            return KubernetesYaml.Deserialize<T>(map.ToJsonString()) ?? throw new ManifestException(file, $"{what}: empty object");
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

    private static string? Text(JsonObject map, string key) =>
        map[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonNode? ScalarToJson(Scalar scalar) =>
        ManifestScalar.ToJson(scalar.Value, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty);
}
