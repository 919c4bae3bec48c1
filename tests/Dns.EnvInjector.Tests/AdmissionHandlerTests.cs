using System.Text;
using System.Text.Json.Nodes;
using Dns.EnvInjector.Rules;
using Dns.EnvInjector.Webhook;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;

namespace Dns.EnvInjector.Tests;

public sealed class AdmissionHandlerTests
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "data");
    private static readonly ClusterSnapshot Cluster = ManifestLoader.Load(Path.Combine(DataDir, "cluster.yaml")).ToSnapshot(1);
    private static readonly string ReviewText = File.ReadAllText(Path.Combine(DataDir, "admission-review.json"));

    private static readonly string[] AppVars = RealSourceTests.AppNamespaceEnv.Replace("\r", "", StringComparison.Ordinal)
        .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static AdmissionHandler Handler(ClusterSnapshot? snapshot = null, string selector = "dns.envinjector/inject=true", bool? links = null) =>
        new(() => snapshot ?? Cluster, LabelSelector.Parse(selector), links);

    private static JsonObject Review(Action<JsonObject>? edit = null)
    {
        var review = JsonNode.Parse(ReviewText)!.AsObject();
        edit?.Invoke(review);
        return review;
    }

    private static JsonObject Pod(JsonObject review) => review["request"]!["object"]!.AsObject();

    private static (JsonObject Response, JsonArray? Patch) Answer(AdmissionHandler handler, JsonObject review)
    {
        var result = handler.Handle(Encoding.UTF8.GetBytes(review.ToJsonString()));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("application/json", result.ContentType);
        var answer = JsonNode.Parse(result.Body)!.AsObject();
        Assert.Equal("AdmissionReview", answer["kind"]!.GetValue<string>());
        Assert.Equal(review["apiVersion"]!.GetValue<string>(), answer["apiVersion"]!.GetValue<string>());
        var response = answer["response"]!.AsObject();
        Assert.Equal(review["request"]!["uid"]!.GetValue<string>(), response["uid"]!.GetValue<string>());
        Assert.True(response["allowed"]!.GetValue<bool>());
        if (response["patch"] is null)
        {
            Assert.Null(response["patchType"]);
            return (response, null);
        }
        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        var patch = JsonNode.Parse(Convert.FromBase64String(response["patch"]!.GetValue<string>()))!.AsArray();
        return (response, patch);
    }

    private static string[] EnvOf(JsonNode pod, string list, int index) =>
        pod["spec"]![list]![index]!["env"]!.AsArray()
            .Select(e => e!["name"]!.GetValue<string>() + "=" + (e["value"]?.GetValue<string>() ?? "<" + e["valueFrom"]!.ToJsonString() + ">"))
            .ToArray();

    [Fact]
    public void Handle_RecordedReview_PatchAddsVariablesToEveryContainer()
    {
        var review = Review();

        var (response, patch) = Answer(Handler(), review);

        Assert.Null(response["warnings"]);
        Assert.NotNull(patch);
        var pod = JsonPatch.Apply(Pod(review), patch);
        Assert.Equal(AppVars, EnvOf(pod, "initContainers", 0));
        Assert.Equal(AppVars, EnvOf(pod, "containers", 1));
        // The container's own entries keep their values and come after the added ones, so that the kubelet expands
        // $(WEB_FRONTEND_SERVICE_HOST) in UPSTREAM; API_SERVICE_HOST is declared, so the service value is not added.
        string[] web =
        [
            .. AppVars.Where(v => !v.StartsWith("API_SERVICE_HOST=", StringComparison.Ordinal)),
            "API_SERVICE_HOST=api.internal",
            "UPSTREAM=$(WEB_FRONTEND_SERVICE_HOST):$(WEB_FRONTEND_SERVICE_PORT)",
            "POD_IP=<{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"status.podIP\"}}>",
        ];
        Assert.Equal(web, EnvOf(pod, "containers", 0));
        // Nothing else in the pod changed.
        var before = Pod(review).DeepClone().AsObject();
        var after = pod.DeepClone().AsObject();
        foreach (var p in new[] { before, after })
        {
            foreach (var list in new[] { "initContainers", "containers" })
            {
                foreach (var c in p["spec"]![list]!.AsArray())
                {
                    c!.AsObject().Remove("env");
                }
            }
        }
        Assert.True(JsonNode.DeepEquals(before, after));
    }

    [Fact]
    public void Handle_PatchedPodAgain_NoFurtherPatch()
    {
        var review = Review();
        var (_, patch) = Answer(Handler(), review);
        var patched = JsonPatch.Apply(Pod(review), patch!);
        var again = Review(r => r["request"]!["object"] = patched);

        var (_, second) = Answer(Handler(), again);

        Assert.Null(second);
    }

    [Fact]
    public void Handle_PatchOps_AddWhenNoEnvReplaceWhenEnv()
    {
        var (_, patch) = Answer(Handler(), Review());

        var ops = patch!.Select(o => o!["op"]!.GetValue<string>() + " " + o["path"]!.GetValue<string>()).ToArray();
        Assert.Equal(["add /spec/initContainers/0/env", "replace /spec/containers/0/env", "add /spec/containers/1/env"], ops);
    }

    [Fact]
    public void Handle_NamespaceNotOptedIn_AllowedUnchanged()
    {
        var review = Review(r =>
        {
            r["request"]!["namespace"] = "quiet";
            Pod(r)["metadata"]!["namespace"] = "quiet";
        });

        var (response, patch) = Answer(Handler(), review);

        Assert.Null(patch);
        Assert.Null(response["warnings"]);
    }

    [Fact]
    public void Handle_PodLabelOptIn_InjectsNamespaceServices()
    {
        var review = Review(r =>
        {
            r["request"]!["namespace"] = "quiet";
            Pod(r)["metadata"]!["labels"]!["dns.envinjector/inject"] = "true";
        });

        var (_, patch) = Answer(Handler(), review);

        var pod = JsonPatch.Apply(Pod(review), patch!);
        // "quiet" has no services of its own: the master service only.
        Assert.All(EnvOf(pod, "containers", 1), v => Assert.StartsWith("KUBERNETES_", v, StringComparison.Ordinal));
        Assert.Equal(8, EnvOf(pod, "containers", 1).Length);
    }

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app in (web,api)", true)]
    [InlineData("app=api", false)]
    [InlineData("app,!legacy", true)]
    [InlineData("pod-template-hash in (other)", false)]
    // The namespace's labels are matched too: "quiet" has no "app" label, so a negative selector selects it.
    [InlineData("app notin (web)", true)]
    [InlineData("", true)]
    public void Handle_CustomSelector_MatchesPodLabels(string selector, bool injected)
    {
        var review = Review(r => r["request"]!["namespace"] = "quiet");

        var (_, patch) = Answer(Handler(selector: selector), review);

        Assert.Equal(injected, patch is not null);
    }

    [Fact]
    public void Handle_NamespaceFromObjectWhenRequestHasNone()
    {
        var review = Review(r => r["request"]!.AsObject().Remove("namespace"));

        var (_, patch) = Answer(Handler(), review);

        Assert.Equal(AppVars, EnvOf(JsonPatch.Apply(Pod(review), patch!), "containers", 1));
    }

    [Fact]
    public void Handle_PodServiceLinksFalse_MasterServiceOnly()
    {
        var review = Review(r => Pod(r)["spec"]!["enableServiceLinks"] = false);

        var (_, patch) = Answer(Handler(), review);

        var env = EnvOf(JsonPatch.Apply(Pod(review), patch!), "containers", 1);
        Assert.Equal(AppVars.Where(v => v.StartsWith("KUBERNETES_", StringComparison.Ordinal)).ToArray(), env);
    }

    [Fact]
    public void Handle_ServiceLinksAbsent_MeansTrue()
    {
        var review = Review(r => Pod(r)["spec"]!.AsObject().Remove("enableServiceLinks"));

        var (_, patch) = Answer(Handler(), review);

        Assert.Equal(AppVars, EnvOf(JsonPatch.Apply(Pod(review), patch!), "containers", 1));
    }

    [Fact]
    public void Handle_ServiceLinksOverride_WinsOverPod()
    {
        var review = Review();

        var (_, patch) = Answer(Handler(links: false), review);

        Assert.Equal(8, EnvOf(JsonPatch.Apply(Pod(review), patch!), "containers", 1).Length);
    }

    [Fact]
    public void Handle_KubernetesServiceInPodNamespace_OverridesMaster()
    {
        var snapshot = StaticClusterSource.Snapshot(
            [.. Cluster.Services, Svc.Build("kubernetes", "app", "10.96.10.99", ("", 8443, "TCP"))],
            Cluster.Namespaces);

        var review = Review();
        var (_, patch) = Answer(Handler(snapshot), review);

        var env = EnvOf(JsonPatch.Apply(Pod(review), patch!), "containers", 1);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.10.99", env);
        Assert.DoesNotContain("KUBERNETES_SERVICE_PORT_HTTPS=443", env);
    }

    [Fact]
    public void Handle_AllVariablesDeclared_ContainerLeftAlone()
    {
        var declared = new JsonArray([.. AppVars.Select(v => (JsonNode)new JsonObject { ["name"] = v[..v.IndexOf('=')], ["value"] = "x" })]);
        var review = Review(r => Pod(r)["spec"]!["containers"]![1]!["env"] = declared);

        var (_, patch) = Answer(Handler(), review);

        Assert.DoesNotContain(patch!, o => o!["path"]!.GetValue<string>().StartsWith("/spec/containers/1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("UPDATE")]
    [InlineData("DELETE")]
    [InlineData("CONNECT")]
    public void Handle_NotCreate_AllowedUnchanged(string operation)
    {
        var (_, patch) = Answer(Handler(), Review(r => r["request"]!["operation"] = operation));

        Assert.Null(patch);
    }

    [Fact]
    public void Handle_NotAPod_AllowedUnchanged()
    {
        var (_, patch) = Answer(Handler(), Review(r => r["request"]!["kind"] = new JsonObject { ["group"] = "apps", ["version"] = "v1", ["kind"] = "Deployment" }));

        Assert.Null(patch);
    }

    [Fact]
    public void Handle_V1Beta1Review_AnsweredInKind()
    {
        var (_, patch) = Answer(Handler(), Review(r => r["apiVersion"] = "admission.k8s.io/v1beta1"));

        Assert.NotNull(patch);
    }

    [Fact]
    public void Handle_NotSynced_AllowedWithWarning()
    {
        var unsynced = new ClusterSnapshot(Cluster.Services, [], [], Cluster.Namespaces, 1, synced: false);

        var (response, patch) = Answer(Handler(unsynced), Review());

        Assert.Null(patch);
        Assert.Equal("dns-envinjector: pod not changed: services not listed yet", response["warnings"]![0]!.GetValue<string>());
        Assert.Equal("dns-envinjector: pod not changed: services not listed yet", response["status"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json at all", "malformed AdmissionReview")]
    [InlineData("", "malformed AdmissionReview")]
    [InlineData("[1,2]", "malformed AdmissionReview: not a JSON object")]
    [InlineData("{}", "expected kind AdmissionReview")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v2\"}", "expected kind AdmissionReview")]
    [InlineData("{\"kind\":\"Pod\",\"apiVersion\":\"admission.k8s.io/v1\"}", "expected kind AdmissionReview")]
    [InlineData("{\"kind\":7,\"apiVersion\":\"admission.k8s.io/v1\"}", "expected kind AdmissionReview")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}", "AdmissionReview has no request")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":[]}", "AdmissionReview has no request")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{}}", "request has no uid")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":42}}", "request has no uid")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"\"}}", "request has no uid")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\"}", "malformed AdmissionReview")]
    public void Handle_MalformedReview_BadRequest(string body, string fragment)
    {
        var result = Handler().Handle(Encoding.UTF8.GetBytes(body));

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("text/plain", result.ContentType, StringComparison.Ordinal);
        Assert.Contains(fragment, result.Body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedPods() => new()
    {
        { "no object", "/request/object=null" },
        { "object is a string", "/request/object=\"pod\"" },
        { "kind is a string", "/request/kind=\"Pod\"" },
        { "operation is a number", "/request/operation=1" },
        { "namespace is an object", "/request/namespace={}" },
        { "labels is a list", "/request/object/metadata/labels=[]" },
        { "spec is a string", "/request/object/spec=\"x\"" },
        { "enableServiceLinks is a string", "/request/object/spec/enableServiceLinks=\"yes\"" },
        { "containers is an object", "/request/object/spec/containers={}" },
        { "a container is a number", "/request/object/spec/containers/1=5" },
        { "env is an object", "/request/object/spec/containers/0/env={}" },
        { "env entry is a string", "/request/object/spec/containers/0/env/0=\"X=1\"" },
        { "env entry name is a number", "/request/object/spec/containers/0/env/0/name=3" },
    };

    [Theory]
    [MemberData(nameof(MalformedPods))]
    public void Handle_MalformedPod_AllowedNeverThrows(string name, string edit)
    {
        Assert.NotEmpty(name);
        var eq = edit.IndexOf('=', StringComparison.Ordinal);
        var path = edit[..eq];
        var value = JsonNode.Parse(edit[(eq + 1)..]);
        var review = Review();
        var patchOp = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = value });
        review = JsonPatch.Apply(review, patchOp).AsObject();

        var (_, patch) = Answer(Handler(), review);

        // Whatever the handler patched must still apply to the pod as sent.
        if (patch is not null && review["request"]!["object"] is JsonObject pod)
        {
            JsonPatch.Apply(pod, patch);
        }
    }

    [Fact]
    public void Handle_EnvEntryNotAnObject_OtherContainersStillPatched()
    {
        var review = Review(r => Pod(r)["spec"]!["containers"]![0]!["env"] = new JsonObject());

        var (response, patch) = Answer(Handler(), review);

        Assert.Contains("/spec/containers/0/env is not a list", response["warnings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["add /spec/initContainers/0/env", "add /spec/containers/1/env"],
            patch!.Select(o => o!["op"]!.GetValue<string>() + " " + o["path"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public void ForPod_MatchesHandlerVariables()
    {
        // The webhook adds exactly what print computes for the namespace.
        var vars = EnvVarRules.ForPod(Cluster.Services, "app", true).Select(v => v.Name + "=" + v.Value).ToArray();

        Assert.Equal(AppVars, vars);
    }
}
