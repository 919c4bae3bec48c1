using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>A malformed manifest is reported as a <see cref="ManifestException"/> (file and reason), never another exception.</summary>
public sealed class ManifestMalformedYamlTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        string[] fragments = ["[", "]", "{", "}", ",", ":", "? ", "- ", "a", "'", "\"", "&x ", "*x", "!t ", "\n", " ", "#", "|", ">"];
        var rng = new Random(20261126);
        for (var i = 0; i < 400; i++)
        {
            var n = rng.Next(2, 12);
            var sb = new System.Text.StringBuilder();
            for (var k = 0; k < n; k++)
            {
                sb.Append(fragments[rng.Next(fragments.Length)]);
            }
            data.Add(sb.ToString());
        }
        data.Add("kind: Service\nmetadata: {name: [a, b}\n");
        data.Add("a: {b: [c, d}]\n");
        data.Add("- [a, {b: c]\n");
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void LoadText_MalformedYaml_OnlyManifestException(string yaml)
    {
        try
        {
            ManifestLoader.LoadText(yaml, "bad.yaml");
        }
        catch (ManifestException)
        {
        }
    }
}
