using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Dns.Plugins.Kubernetes.Sources;
using k8s;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// <see cref="ManifestYamlReader"/> and <see cref="ManifestModelReader"/> against the reference path (YamlDotNet and
/// KubernetesJson): same documents, same lines, same objects, same errors; and the fast path really taken for the
/// YAML manifests are written in.
/// </summary>
public sealed class ManifestYamlReaderTests
{
    /// <summary>The shape bench/gen_cluster.py writes (flow-style ports, endpoints and conditions).</summary>
    private const string GeneratedCluster = """
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ns-0
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: svc-0
          namespace: ns-0
        spec:
          type: ClusterIP
          clusterIP: 10.103.152.95
          clusterIPs: [10.103.152.95]
          ports:
          - {name: http, port: 80, protocol: TCP, targetPort: 8080}
          - {name: metrics, port: 9090, protocol: TCP, targetPort: 9090}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: svc-0-abcde
          namespace: ns-0
          labels:
            kubernetes.io/service-name: svc-0
        addressType: IPv4
        ports:
        - {name: http, port: 8080, protocol: TCP}
        endpoints:
        - addresses: ["10.128.1.1"]
          conditions: {ready: true}
          targetRef: {kind: Pod, name: svc-0-0, namespace: ns-0}
        - addresses: ["10.128.1.2"]
          conditions: {ready: true}
          targetRef: {kind: Pod, name: svc-0-1, namespace: ns-0}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: hl-20
          namespace: ns-0
        spec:
          clusterIP: None
          clusterIPs: [None]
          ports:
          - {name: http, port: 80, protocol: TCP}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: hl-20-xyz
          namespace: ns-0
          labels: {kubernetes.io/service-name: hl-20}
        addressType: IPv4
        ports:
        - {name: http, port: 80, protocol: TCP}
        endpoints:
        - addresses: ["10.129.0.1"]
          hostname: hl-20-0
          conditions: {ready: true}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext-1, namespace: ns-0}
        spec: {type: ExternalName, externalName: example.com}

        """;

    /// <summary>What <c>kubectl get -o yaml</c> writes: block style, indentless sequences, a literal annotation, nulls.</summary>
    private const string KubectlOutput = """
        apiVersion: v1
        items:
        - apiVersion: v1
          kind: Service
          metadata:
            annotations:
              kubectl.kubernetes.io/last-applied-configuration: |
                {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"demo"}}
            creationTimestamp: null
            labels:
              app: web
              app.kubernetes.io/part-of: "shop"
            name: web
            namespace: demo
            resourceVersion: "12345"
            uid: 6f1c0b9e-3a51-4b8e-9a7e-0d2f4c1a9b77
          spec:
            clusterIP: 10.96.12.34
            clusterIPs:
            - 10.96.12.34
            - fd00:10:96::1234
            internalTrafficPolicy: Cluster
            ipFamilies:
            - IPv4
            - IPv6
            ipFamilyPolicy: PreferDualStack
            ports:
            - name: http
              port: 80
              protocol: TCP
              targetPort: http
            selector:
              app: web
            sessionAffinity: None
            type: LoadBalancer
          status:
            loadBalancer:
              ingress:
              - ip: 192.0.2.10
              - hostname: lb.example.com
        - apiVersion: v1
          kind: Pod
          metadata:
            name: web-0
            namespace: demo
          status:
            phase: Running
            podIP: 10.244.1.5
            podIPs:
            - ip: 10.244.1.5
            - ip: fd00:10:244:1::5
        kind: List
        metadata:
          resourceVersion: ""

        """;

    public static TheoryData<string> Handled() => new()
    {
        GeneratedCluster,
        KubectlOutput,
        "a: 1\n",
        "# only comments\n\n# here\n",
        "",
        "---\n",
        "---\n---\na: 1\n---\n",
        "--- # a comment\na: b\n",
        "  a: 1\n  b:\n    c: 2\n",
        "a:\n- 1\n- - 2\n".Replace("- - 2", "-\n  - 2", StringComparison.Ordinal),
        "a:\n  - x\n  -\n  - y: 1\n    z: 2\nb: ~\n",
        "a:\n\n  # comment between\n\n  b: 1 # trailing\n",
        "k: 'it''s'\nd: \"a\\\"b\\\\c\\n\\t\\u00e9\"\ne: ''\nf: \"\"\n",
        "plain: a b  c\nurl: http://x/y?z=1\nv6: fd00::1\ncolon: a:b\nhash: a#b\n",
        "n: [1, -2, +3, 0x1F, 1.5, 1e3, .inf, true, False, null, ~, yes, 010]\n",
        "m: {a: 1, 'b c': \"d\", e: [x, y], f: {}}\nl: []\n",
        "lit: |\n  line 1\n\n    indented\n  line 3\nnext: 1\n",
        "lit: |-\n  a\n  b\n\n\nnext: 1\n",
        "lit: |+\n  a\n\n\nnext: 1\n",
        "- |\n  in a sequence\n- x\n",
        "key: value\n---\n- a\n- b\n---\nscalar root\n",
        "\"quoted key\": 1\n'single': 2\n",
        "unicode: héllo wörld ✓\n",
        "crlf: 1\r\nnext:\r\n  - a\r\n",
        "a:\n  b:\n    c:\n      d: deep\n  e: back\nf: top\n",
        "- a: 1\n  b:\n  - c\n- d\n",
        "a: [fd00::1, registry.k8s.io/coredns/coredns:v1.11.3, http://x:80/y, a.b]\n",
    };

    public static TheoryData<string> LeftToYamlDotNet() => new()
    {
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: >\n  folded\n",
        "a: |2\n   explicit\n",
        "a: multi\n  line\n",
        "a: \"multi\n  line\"\n",
        "a: [1,\n  2]\n",
        "a:\t1\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\n...\n",
        "a: 1\na: 2\n",
        "<<: {a: 1}\n",
        "? complex\n: key\n",
        "- - nested\n",
        "--- {a: 1}\n",
        "a: [a:]\n",
        "a: [a: b]\n",
        "a: [a:,b]\n",
        "a: b: c\n",
        "a: 'unterminated\n",
        "a: \"\\x41\"\n",
        "bad: @x\n",
        "a: |\n  no final break",
        "\ufeffa: 1\n",
    };

    [Theory]
    [MemberData(nameof(Handled))]
    public void Next_ManifestYaml_ReadWithoutFallbackAndLikeYamlDotNet(string yaml)
    {
        var (documents, result) = ReadFast(yaml);
        Assert.Equal(ManifestYamlReader.Result.End, result);
        AssertConsistent(yaml);
        Assert.NotNull(documents);
    }

    [Theory]
    [MemberData(nameof(LeftToYamlDotNet))]
    public void Next_YamlOutsideTheSubset_Unsupported(string yaml)
    {
        var (_, result) = ReadFast(yaml);
        Assert.Equal(ManifestYamlReader.Result.Unsupported, result);
        AssertConsistent(yaml);
    }

    [Fact]
    public void Next_UnsupportedAfterDocuments_LoaderSkipsThemInYamlDotNet()
    {
        const string text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: &n b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n";
        var (documents, result) = ReadFast(text);
        Assert.Equal(ManifestYamlReader.Result.Unsupported, result);
        Assert.Single(documents);
        Assert.Equal(["a", "b", "c"], ManifestLoader.LoadText(text, "x.yaml").Services.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void LoadText_ExampleCluster_SameObjectsAsReference()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "cluster.yaml"));
        var (documents, result) = ReadFast(text);
        Assert.True(result == ManifestYamlReader.Result.End, $"fell back after {documents.Count} documents");
        AssertSameContent(text);
    }

    [Theory]
    [MemberData(nameof(Handled))]
    [MemberData(nameof(LeftToYamlDotNet))]
    public void LoadText_Snippets_SameObjectsOrErrorAsReference(string yaml) => AssertSameContent(yaml);

    [Theory]
    // Values the model reader leaves to KubernetesJson (and its YAML fallback) because System.Text.Json would convert or reject them.
    [InlineData("metadata: {name: s, labels: {version: 2}}")]
    [InlineData("metadata: {name: s, labels: {a: ~}}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: \"8080\"}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 80.0}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 99999999999}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: ~}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 80, targetPort: 1.5}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 80, targetPort: 99999999999}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [{port: 80, targetPort: ~}]}")]
    [InlineData("metadata: {name: s}\nspec: {ports: [~]}")]
    [InlineData("metadata: {name: s}\nspec: {clusterIPs: [10.0.0.1, 3]}")]
    [InlineData("metadata: {name: s}\nspec: {publishNotReadyAddresses: \"true\"}")]
    [InlineData("metadata: {name: s, creationTimestamp: \"2024-01-02T03:04:05Z\"}")]
    [InlineData("metadata: {name: s, generation: 3}\nspec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}}")]
    [InlineData("metadata: {name: s}\nspec: {unknownField: 1}")]
    [InlineData("metadata: {name: s}\nSpec: {type: ClusterIP}")]
    [InlineData("metadata: {name: s}\nstatus: {loadBalancer: {ingress: [{ip: 192.0.2.1, ports: [{port: 80, protocol: TCP}]}]}}")]
    [InlineData("metadata: {name: s}\nspec: {healthCheckNodePort: 30000, allocateLoadBalancerNodePorts: false, externalIPs: [192.0.2.7]}")]
    public void LoadText_ServiceValueTypes_SameAsReference(string body) =>
        AssertSameContent("apiVersion: v1\nkind: Service\n" + body + "\n");

    [Theory]
    [InlineData("endpoints: [{addresses: [10.0.0.1], conditions: {ready: \"yes\"}}]")]
    [InlineData("endpoints: [{addresses: [10.0.0.1], conditions: {ready: ~, serving: false}}]")]
    [InlineData("endpoints: [{addresses: [10.0.0.1], hints: {forZones: [{name: a}]}}]")]
    [InlineData("endpoints: [{addresses: [10.0.0.1], deprecatedTopology: {a: b}, zone: z, nodeName: n}]")]
    [InlineData("endpoints: [{addresses: [10.0.0.1], targetRef: {kind: Pod, name: p, uid: u, fieldPath: f, apiVersion: v1, resourceVersion: \"1\"}}]")]
    [InlineData("endpoints: [{addresses: [10.0.0.1], targetRef: {kind: Pod, name: 5}}]")]
    [InlineData("ports: [{port: ~}, {name: x}]")]
    [InlineData("ports: [{port: 53, protocol: UDP, appProtocol: dns}]\nendpoints: ~")]
    public void LoadText_SliceValueTypes_SameAsReference(string body) =>
        AssertSameContent("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n  labels: {kubernetes.io/service-name: svc}\naddressType: IPv4\n" + body + "\n");

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p, deletionTimestamp: \"2024-01-02T03:04:05Z\"}\nstatus: {podIP: 10.0.0.1}")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\nstatus: {podIP: 10.0.0.1, phase: Running}")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: ~\nstatus: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}], hostIP: 192.0.2.1, qosClass: BestEffort}")]
    [InlineData("apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {team: a}}\nspec: {finalizers: [kubernetes]}\nstatus: {phase: Active}")]
    [InlineData("apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\nstatus: {phase: Active, conditions: []}")]
    public void LoadText_PodsAndNamespaces_SameAsReference(string text) => AssertSameContent(text + "\n");

    [Fact]
    public void Next_LineNumbers_AsYamlDotNet()
    {
        const string text = "# head\n\n---\n\napiVersion: v1\n---\n# c\n  a: 1\n---\n- x\n";
        var (documents, _) = ReadFast(text);
        Assert.Equal([5, 8, 10], documents.Select(d => d.Line));
        AssertConsistent(text);
    }

    [Fact]
    public void Next_RandomYaml_NeverDisagreesWithYamlDotNet()
    {
        var read = 0;
        var total = 0;
        GenDocument.Sample(
            yaml =>
            {
                AssertConsistent(yaml);
                Interlocked.Increment(ref total);
                if (ReadFast(yaml).Result == ManifestYamlReader.Result.End)
                {
                    Interlocked.Increment(ref read);
                }
            },
            iter: int.Parse(Environment.GetEnvironmentVariable("YAML_ITER") ?? "3000", System.Globalization.CultureInfo.InvariantCulture));
        // The generator is tuned so a good share is within the subset: the comparison must not be vacuous.
        Assert.True(read * 10 > total, $"only {read} of {total} random texts read without fallback");
    }

    [Fact]
    public void Next_MutatedYaml_NeverDisagreesWithYamlDotNet()
    {
        // One or two characters inserted or deleted: near misses of valid YAML, where a lenient reader would differ.
        var mutated = Gen.Select(GenDocument, Gen.Int[0, 1000].Array[1, 2], Gen.Int[0, 1000].Array[2], (text, positions, chars) =>
        {
            var sb = new StringBuilder(text);
            for (var i = 0; i < positions.Length && sb.Length > 0; i++)
            {
                var at = positions[i] % sb.Length;
                const string Inserted = " \n-:#'\"[]{}|>&*!?,\t.";
                if (chars[i] % 3 == 0)
                {
                    sb.Remove(at, 1);
                }
                else
                {
                    sb.Insert(at, Inserted[chars[i] % Inserted.Length]);
                }
            }
            return sb.ToString();
        });
        mutated.Sample(AssertConsistent, iter: int.Parse(Environment.GetEnvironmentVariable("YAML_ITER") ?? "3000", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void LoadText_RandomManifests_SameAsReference()
    {
        GenManifest.Sample(AssertSameContent, iter: 400);
    }

    private static (List<(JsonNode? Root, int Line)> Documents, ManifestYamlReader.Result Result) ReadFast(string yaml)
    {
        var reader = new ManifestYamlReader(new StringReader(yaml));
        var documents = new List<(JsonNode?, int)>();
        ManifestYamlReader.Result result;
        while ((result = reader.Next(out var root, out var line)) == ManifestYamlReader.Result.Document)
        {
            documents.Add((root, line));
        }
        return (documents, result);
    }

    /// <summary>
    /// The fast reader's documents are YamlDotNet's (root and line); it may stop with Unsupported anywhere, but never
    /// after a document YamlDotNet rejects, and it reads to the end only when YamlDotNet does too.
    /// </summary>
    private static void AssertConsistent(string yaml)
    {
        var reference = new List<(JsonNode? Root, int Line)>();
        Exception? error = null;
        try
        {
            ManifestLoader.ReadYamlDotNetDocuments(yaml, reference);
        }
        catch (Exception e)
        {
            // YamlDotNet also throws InvalidOperationException on some malformed flow collections.
            error = e;
        }
        var (fast, result) = ReadFast(yaml);
        if (result == ManifestYamlReader.Result.End)
        {
            Assert.True(error is null, $"YamlDotNet rejects what the fast reader read: {error?.Message}\n---\n{yaml}");
            Assert.True(reference.Count == fast.Count, $"{fast.Count} documents, YamlDotNet {reference.Count}\n---\n{yaml}");
        }
        else
        {
            Assert.True(reference.Count >= fast.Count, $"fast reader read {fast.Count} documents, YamlDotNet {reference.Count} ({error?.Message})\n---\n{yaml}");
        }
        for (var i = 0; i < fast.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(reference[i].Root, fast[i].Root),
                $"document {i}: fast {fast[i].Root?.ToJsonString() ?? "null"}, YamlDotNet {reference[i].Root?.ToJsonString() ?? "null"}\n---\n{yaml}");
            if (fast[i].Root is not null)
            {
                Assert.True(reference[i].Line == fast[i].Line, $"document {i}: line {fast[i].Line}, YamlDotNet {reference[i].Line}\n---\n{yaml}");
            }
        }
    }

    /// <summary>LoadText and the reference path give the same objects (compared as KubernetesJson) or the same error.</summary>
    private static void AssertSameContent(string yaml)
    {
        var expected = Describe(() => ManifestLoader.LoadTextReference(yaml, "m.yaml"));
        var actual = Describe(() => ManifestLoader.LoadText(yaml, "m.yaml"));
        Assert.True(expected == actual, $"reference:\n{expected}\nfast:\n{actual}\n---\n{yaml}");
    }

    private static string Describe(Func<ManifestContent> load)
    {
        ManifestContent c;
        try
        {
            c = load();
        }
        catch (ManifestException e)
        {
            return "error: " + e.Message;
        }
        var sb = new StringBuilder();
        foreach (var o in c.Namespaces)
        {
            sb.AppendLine(KubernetesJson.Serialize(o));
        }
        foreach (var o in c.Services)
        {
            sb.AppendLine(KubernetesJson.Serialize(o));
        }
        foreach (var o in c.EndpointSlices)
        {
            sb.AppendLine(KubernetesJson.Serialize(o));
        }
        foreach (var o in c.Pods)
        {
            sb.AppendLine(KubernetesJson.Serialize(o));
        }
        sb.AppendLine("skipped: " + string.Join(",", c.Skipped));
        var snap = c.ToSnapshot(1);
        foreach (var s in snap.Services)
        {
            sb.AppendLine($"svc {s.Namespace}/{s.Name} {s.Type} {s.ClusterIP} [{string.Join(",", s.ClusterIPs)}] [{string.Join(",", s.Ports)}] {s.ExternalName}");
        }
        return sb.ToString();
    }

    /// <summary>Random YAML text: mostly the manifest subset, with constructs and characters outside it mixed in.</summary>
    private static Gen<string> GenScalarText => Gen.Frequency(
        (12, Gen.OneOf<string>("a", "name", "10.0.0.1", "fd00::1", "reg/x:v1", "80", "-1", "+3", "0x1F", "1.5", "1e3", ".inf", "true", "False", "null", "~", "yes",
            "a b", "a:b", "a#b", "-x", "http://x/y", "ünï", "Cluster", "")),
        (2, Gen.OneOf<string>("a: b", "a #b", "it's", "#x", "- x", "*a", "&a", "!t", "|", ">", "[x", "x]", "{", "a,b", "?x", ":x", "@x", "%x",
            " lead", "trail ", "tab\tx", "---", "...", "a\"b", "\\", "emoji 😀", "a:", "a::")),
        (1, Gen.String[Gen.Char["abcxyz019 :#-'\"\\[]{},.&*!|>?@%"], 0, 8]));

    private static Gen<string> GenKeyText => Gen.Frequency(
        (8, Gen.OneOf<string>("name", "namespace", "labels", "a", "b", "kubernetes.io/service-name", "app.kubernetes.io/part-of", "80", "true")),
        (1, Gen.OneOf<string>("<<", "-k", "a b", "k:", "ü", "")),
        (4, Gen.String[Gen.Char["abcdefz"], 1, 4]));

    private static Gen<string> GenDocument => Gen.Int[1, 4].SelectMany(n => GenNode(3).Array[n]).SelectMany(docs =>
        Gen.Bool.Array[docs.Length + 1].Select(flags =>
        {
            var sb = new StringBuilder();
            for (var i = 0; i < docs.Length; i++)
            {
                if (i > 0 || flags[0])
                {
                    sb.Append(flags[i + 1] ? "---\n" : "--- # doc\n");
                }
                sb.Append(docs[i]);
            }
            return sb.ToString();
        }));

    private static Gen<string> GenManifest => Gen.OneOf(
        Gen.OneOf<string>(
            "apiVersion: v1\nkind: Service\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n",
            "apiVersion: v1\nkind: Pod\n",
            "apiVersion: v1\nkind: Namespace\n"),
        Gen.Const("apiVersion: v1\nkind: ConfigMap\n"))
        .SelectMany(head => Gen.Select(GenManifestBody, GenManifestBody, (a, b) => head + "metadata:\n  name: x\n" + a + b))
        .Array[1, 3].Select(docs => string.Join("---\n", docs));

    private static Gen<string> GenManifestBody => Gen.OneOf<string>(
        "",
        "  namespace: ns\n",
        "  labels: {a: b, version: 2}\n",
        "  labels:\n    kubernetes.io/service-name: svc\n",
        "  annotations: {note: \"x\"}\n",
        "  creationTimestamp: null\n",
        "spec:\n  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n    targetPort: http\n",
        "spec: {clusterIPs: [None], ports: [{port: \"53\", protocol: UDP}]}\n",
        "spec: {type: ExternalName, externalName: example.com}\n",
        "spec: {containers: [{name: c}]}\n",
        "status: {podIP: 10.0.0.9, phase: Running}\n",
        "status: {loadBalancer: {ingress: [{ip: 192.0.2.1}]}}\n",
        "status: {phase: Active}\n",
        "addressType: IPv4\nendpoints:\n- addresses: [\"10.0.0.2\"]\n  conditions: {ready: false}\n  hostname: h\n",
        "endpoints: [{addresses: [10.0.0.3], conditions: {ready: 1}}]\n",
        "ports:\n- {name: http, port: 8080, protocol: TCP}\n",
        "ports: [{port: 8080.0}]\n",
        "data: |\n  some text\n",
        "extra: &a {x: 1}\n");

    /// <summary>A node rendered at indentation 0 as a document body (always ending with a line break).</summary>
    private static Gen<string> GenNode(int depth) =>
        depth == 0
            ? GenScalarLine.Select(s => s + "\n")
            : Gen.Frequency(
                (3, GenMapping(depth, 0)),
                (2, GenSequence(depth, 0, indentless: false)),
                (1, GenScalarLine.Select(s => s + "\n")));

    /// <summary>A scalar or flow collection written on one line.</summary>
    private static Gen<string> GenScalarLine => Gen.Frequency(
        (4, GenScalarText),
        (2, GenScalarText.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")),
        (1, GenScalarText.Select(s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'")),
        (1, Gen.OneOf<string>("\"\\n\\t\\u00e9\"", "\"\\r\\\\\\\"\\0\"", "\"\\u263a\"", "\"\\x41\"", "\"\\/\"", "\"a\\ b\"", "\"\\ud83d\"")),
        (2, GenFlow(2)));

    private static Gen<string> GenFlow(int depth) =>
        depth == 0
            ? GenScalarText
            : Gen.Frequency(
                (3, GenScalarText),
                (1, GenFlow(depth - 1).Array[0, 3].Select(items => "[" + string.Join(", ", items) + "]")),
                (1, Gen.Select(GenKeyText, GenFlow(depth - 1)).Array[0, 3].Select(kvs => "{" + string.Join(", ", kvs.Select(kv => kv.Item1 + ": " + kv.Item2)) + "}")));

    private static Gen<string> GenValue(int depth, int indent) => Gen.Int[1, 4].SelectMany(step => GenValue(depth, indent, step));

    private static Gen<string> GenValue(int depth, int indent, int step) =>
        depth == 0
            ? GenScalarLine.Select(s => " " + s + "\n")
            : Gen.Frequency(
                (5, GenScalarLine.Select(s => " " + s + "\n")),
                (1, GenScalarLine.Select(s => " " + s + " # c\n")),
                (1, Gen.Const("\n")),
                (1, Gen.Select(Gen.OneOf<string>("|", "|-", "|+", "|", "| # c", ">", "|2"), GenScalarText.Array[1, 3], Gen.Bool, (h, lines, blank) =>
                    " " + h + "\n" + string.Concat(lines.Select(l => new string(' ', indent + step) + l + "\n")) + (blank ? "\n" : ""))),
                (3, GenMapping(depth - 1, indent + step).Select(m => "\n" + m)),
                (2, GenSequence(depth - 1, indent, indentless: true).Select(s => "\n" + s)),
                (1, GenSequence(depth - 1, indent + step, indentless: false).Select(s => "\n" + s)));

    private static Gen<string> GenMapping(int depth, int indent) =>
        Gen.Select(GenKeyText, GenValue(depth, indent), Gen.Int[0, 9]).Array[1, 4].Select(entries =>
        {
            var sb = new StringBuilder();
            foreach (var (key, value, extra) in entries)
            {
                if (extra == 0)
                {
                    sb.Append(new string(' ', indent)).Append("# comment\n");
                }
                if (extra == 1)
                {
                    sb.Append('\n');
                }
                var k = extra == 2 ? "\"" + key + "\"" : extra == 3 ? "'" + key + "'" : key;
                sb.Append(new string(' ', indent)).Append(k).Append(':').Append(value);
            }
            return sb.ToString();
        });

    private static Gen<string> GenSequence(int depth, int indent, bool indentless) =>
        Gen.Frequency(
            (3, GenScalarLine.Select(s => " " + s + "\n")),
            (1, Gen.Const("\n")),
            (2, depth == 0 ? GenScalarLine.Select(s => " " + s + "\n") : GenMapping(depth - 1, indent + 2).Select(m => " " + m.TrimStart(' '))),
            (1, depth == 0 ? GenScalarLine.Select(s => " " + s + "\n") : GenSequence(depth - 1, indent + 2, indentless: false).Select(s => "\n" + s)))
            .Array[1, 3].Select(items => string.Concat(items.Select(i => new string(' ', indent) + "-" + i)));
}
