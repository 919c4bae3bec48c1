using System.Text;
using System.Text.Json;
using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// The API path's JSON reader against System.Text.Json as the reference: the same texts are well-formed for both,
/// strings and property names decode alike, integers read alike, and a skipped value is checked as a read one is.
/// </summary>
public sealed class JsonCursorTests
{
    public static TheoryData<string> WellFormed => new()
    {
        "{}",
        "[]",
        " \t\r\n{ \"a\" : { \"b\" : [ ] } } \n",
        "\"s\"",
        "0",
        "-0.5E-3",
        "[1,-2,3.5e+10,0,true,false,null,12345678901,-2147483648,2147483647,1.0]",
        """{"a":"x\"y\\\/\b\f\n\r\t\u00e9\ud83d\ude00 ünï","b\u0041":1,"":null}""",
        """{"metadata":{"name":"web","labels":{"a/b":"c","e\u0073c":"d"}},"items":[{"x":[[],[{}]]}]}""",
        new string('[', 64) + new string(']', 64),
    };

    public static TheoryData<string> Malformed => new()
    {
        "",
        "   ",
        "{",
        "[",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "[1,]",
        "[,1]",
        "{,\"a\":1}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[1e]",
        "[+1]",
        "tru",
        "nul",
        "[falsey]",
        "\"abc",
        "\"a\\x\"",
        "\"a\\u12\"",
        "\"a\tb\"",
        "{\"a\":1}}",
        "[1] 2",
        "{'a':1}",
        "{a:1}",
        "[1]/*c*/",
        new string('[', 65) + new string(']', 65),
    };

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void WellFormed_ReadAsSystemTextJsonReadsIt(string json)
    {
        var reference = Walk(JsonDocument.Parse(json).RootElement);
        var c = new JsonCursor(Encoding.UTF8.GetBytes(json));
        var ours = Walk(ref c);
        c.End();
        Assert.Equal(reference, ours);

        // Skipped whole, it is checked and consumed the same.
        var skip = new JsonCursor(Encoding.UTF8.GetBytes(json));
        skip.SkipValue();
        skip.End();
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_RefusedAsSystemTextJsonRefusesIt(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(json));
        Assert.Throws<ApiJsonException>(() =>
        {
            var c = new JsonCursor(Encoding.UTF8.GetBytes(json));
            Walk(ref c);
            c.End();
        });
        var e = Assert.Throws<ApiJsonException>(() =>
        {
            var c = new JsonCursor(Encoding.UTF8.GetBytes(json));
            c.SkipValue();
            c.End();
        });
        Assert.StartsWith("malformed JSON at byte ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueOfAnotherKind_ReadsAsNullAndIsSkipped()
    {
        var c = new JsonCursor("""{"s":1,"n":"x","b":null,"o":[1],"a":{"k":"v"},"t":"last"}"""u8);
        Assert.True(c.EnterObject());
        var seen = new List<string?>();
        while (c.NextProperty(out var name, out var escaped))
        {
            switch (JsonCursor.Text(name, escaped))
            {
                case "s":
                    seen.Add(c.ReadString());
                    break;
                case "n":
                    seen.Add(c.ReadInt32()?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "b":
                    seen.Add(c.ReadBoolean()?.ToString());
                    break;
                case "o":
                    seen.Add(c.EnterObject() ? "object" : null);
                    break;
                case "a":
                    seen.Add(c.EnterArray() ? "array" : null);
                    break;
                default:
                    seen.Add(c.ReadString());
                    break;
            }
        }
        c.End();
        Assert.Equal([null, null, null, null, null, "last"], seen);
    }

    [Fact]
    public void EscapedPropertyName_ComparedDecoded()
    {
        var c = new JsonCursor("""{"n\u0061me":"x"}"""u8);
        Assert.True(c.EnterObject());
        Assert.True(c.NextProperty(out var name, out var escaped));
        Assert.True(escaped);
        Assert.True(JsonCursor.NameIs(name, escaped, "name"u8));
        Assert.False(JsonCursor.NameIs(name, escaped, "nam"u8));
        Assert.Equal("x", c.ReadString());
        Assert.False(c.NextProperty(out _, out _));
    }

    /// <summary>Every value in document order: strings and names decoded, numbers as Int32 when they are one.</summary>
    private static string Walk(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => Quote(p.Name) + ":" + Walk(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Walk)) + "]",
        JsonValueKind.String => Quote(e.GetString()!),
        JsonValueKind.Number => e.TryGetInt32(out var i) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Walk(ref JsonCursor c)
    {
        switch (c.Peek())
        {
            case JsonKind.Object:
                c.EnterObject();
                var members = new List<string>();
                while (c.NextProperty(out var name, out var escaped))
                {
                    members.Add(Quote(JsonCursor.Text(name, escaped)) + ":" + Walk(ref c));
                }
                return "{" + string.Join(",", members) + "}";
            case JsonKind.Array:
                c.EnterArray();
                var items = new List<string>();
                while (c.NextItem())
                {
                    items.Add(Walk(ref c));
                }
                return "[" + string.Join(",", items) + "]";
            case JsonKind.String:
                return Quote(c.ReadString()!);
            case JsonKind.Number:
                return c.ReadInt32()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "number";
            case JsonKind.Boolean:
                return c.ReadBoolean() == true ? "true" : "false";
            default:
                c.SkipValue();
                return "null";
        }
    }

    private static string Quote(string s) => "<" + s + ">";
}
