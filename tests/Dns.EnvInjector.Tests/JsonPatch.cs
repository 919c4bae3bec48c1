using System.Globalization;
using System.Text.Json.Nodes;

namespace Dns.EnvInjector.Tests;

/// <summary>A tiny RFC 6902 applier (add, replace, remove) over System.Text.Json.Nodes, strict like the API server's.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray patch)
    {
        var doc = document.DeepClone();
        foreach (var op in patch)
        {
            var o = op!.AsObject();
            var kind = o["op"]!.GetValue<string>();
            var path = o["path"]!.GetValue<string>();
            var (parent, last) = Resolve(doc, path);
            switch (kind)
            {
                case "add":
                    Add(parent, last, o["value"]?.DeepClone());
                    break;
                case "replace":
                    Remove(parent, last);
                    Add(parent, last, o["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(parent, last);
                    break;
                default:
                    throw new InvalidOperationException("unsupported op " + kind);
            }
        }
        return doc;
    }

    private static (JsonNode Parent, string Last) Resolve(JsonNode doc, string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new InvalidOperationException("bad path " + path);
        }
        var parts = path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var node = doc;
        foreach (var p in parts[..^1])
        {
            node = node switch
            {
                JsonObject obj => obj[p] ?? throw new InvalidOperationException("missing " + p + " in " + path),
                JsonArray arr => arr[Index(p, arr.Count - 1)] ?? throw new InvalidOperationException("null at " + p),
                _ => throw new InvalidOperationException("cannot descend into " + p),
            };
        }
        return (node, parts[^1]);
    }

    private static void Add(JsonNode parent, string key, JsonNode? value)
    {
        switch (parent)
        {
            case JsonObject obj:
                obj[key] = value;
                break;
            case JsonArray arr when key == "-":
                arr.Add(value);
                break;
            case JsonArray arr:
                arr.Insert(Index(key, arr.Count), value);
                break;
            default:
                throw new InvalidOperationException("cannot add to a value");
        }
    }

    private static void Remove(JsonNode parent, string key)
    {
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.Remove(key))
                {
                    throw new InvalidOperationException("nothing to remove at " + key);
                }
                break;
            case JsonArray arr:
                arr.RemoveAt(Index(key, arr.Count - 1));
                break;
            default:
                throw new InvalidOperationException("cannot remove from a value");
        }
    }

    private static int Index(string text, int max)
    {
        var i = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (i > max)
        {
            throw new InvalidOperationException("index " + i + " out of range");
        }
        return i;
    }
}
