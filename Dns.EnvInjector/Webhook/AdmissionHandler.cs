using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dns.EnvInjector.Rules;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Webhook;

/// <summary>
/// The <c>/mutate</c> logic, free of HTTP: reads an <c>admission.k8s.io/v1</c> AdmissionReview for a Pod and answers
/// with a JSONPatch (RFC 6902) that adds the service variables to every container and init container. A variable the
/// container already declares in <c>env</c> keeps its own value (as with the kubelet); the added entries go first so
/// that <c>$(FOO_SERVICE_HOST)</c> references in the container's own values resolve. The webhook fails open: anything
/// it does not understand inside a well-formed review is allowed unchanged, with a warning.
/// </summary>
internal sealed class AdmissionHandler
{
    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    private readonly Func<ClusterSnapshot> _snapshot;
    private readonly LabelSelector _selector;
    private readonly bool? _enableServiceLinks;

    /// <summary>Creates the handler.</summary>
    /// <param name="snapshot">The current cluster data.</param>
    /// <param name="selector">Opt-in: pod labels or the pod's namespace labels must match.</param>
    /// <param name="enableServiceLinks">Overrides <c>spec.enableServiceLinks</c> of every pod when set.</param>
    public AdmissionHandler(Func<ClusterSnapshot> snapshot, LabelSelector selector, bool? enableServiceLinks)
    {
        _snapshot = snapshot;
        _selector = selector;
        _enableServiceLinks = enableServiceLinks;
    }

    /// <summary>Answers one request body. Never throws.</summary>
    public AdmissionResult Handle(ReadOnlySpan<byte> body)
    {
        JsonObject review;
        try
        {
            review = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            return BadRequest("malformed AdmissionReview: " + e.Message);
        }
        var apiVersion = review["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var a) ? a : null;
        var kind = review["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        if (kind != "AdmissionReview" || apiVersion is not ("admission.k8s.io/v1" or "admission.k8s.io/v1beta1"))
        {
            return BadRequest("expected kind AdmissionReview, apiVersion admission.k8s.io/v1");
        }
        if (review["request"] is not JsonObject request)
        {
            return BadRequest("AdmissionReview has no request");
        }
        if (request["uid"] is not JsonValue uv || !uv.TryGetValue<string>(out var uid) || uid.Length == 0)
        {
            return BadRequest("AdmissionReview request has no uid");
        }
        var warnings = new List<string>();
        JsonArray? patch;
        try
        {
            patch = Mutate(request, warnings);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException)
        {
            // A field of an unexpected JSON type; the review itself was fine, so answer it and let the pod through.
            warnings.Add("dns-envinjector: pod not changed: " + e.Message);
            patch = null;
        }
        return Respond(apiVersion, uid, patch, warnings);
    }

    private JsonArray? Mutate(JsonObject request, List<string> warnings)
    {
        var resourceKind = request["kind"]?["kind"]?.GetValue<string>();
        if (resourceKind != "Pod")
        {
            return null;
        }
        var operation = request["operation"]?.GetValue<string>();
        if (operation is not (null or "CREATE"))
        {
            // Container env is immutable after creation.
            return null;
        }
        if (request["object"] is not JsonObject pod)
        {
            warnings.Add("dns-envinjector: pod not changed: the review has no pod object");
            return null;
        }
        var ns = request["namespace"]?.GetValue<string>();
        if (string.IsNullOrEmpty(ns))
        {
            ns = pod["metadata"]?["namespace"]?.GetValue<string>();
        }
        if (string.IsNullOrEmpty(ns))
        {
            ns = "default";
        }
        var snapshot = _snapshot();
        if (!OptedIn(pod, ns, snapshot))
        {
            return null;
        }
        if (!snapshot.Synced)
        {
            warnings.Add("dns-envinjector: pod not changed: services not listed yet");
            return null;
        }
        if (pod["spec"] is not JsonObject spec)
        {
            warnings.Add("dns-envinjector: pod not changed: the pod has no spec");
            return null;
        }
        // The API server defaults enableServiceLinks to true before mutating webhooks run; absent means true too.
        var links = _enableServiceLinks ?? spec["enableServiceLinks"]?.GetValue<bool>() ?? true;
        var vars = EnvVarRules.ForPod(snapshot.Services, ns, links);
        var patch = new JsonArray();
        foreach (var list in ContainerLists)
        {
            if (spec[list] is not JsonArray containers)
            {
                continue;
            }
            for (var i = 0; i < containers.Count; i++)
            {
                AddContainerPatch(patch, "/spec/" + list + "/" + i + "/env", containers[i], vars, warnings);
            }
        }
        return patch.Count == 0 ? null : patch;
    }

    private bool OptedIn(JsonObject pod, string ns, ClusterSnapshot snapshot)
    {
        if (_selector.Matches(ReadLabels(pod["metadata"]?["labels"])))
        {
            return true;
        }
        return snapshot.GetNamespace(ns) is { } n && _selector.Matches(n.Labels);
    }

    private static Dictionary<string, string> ReadLabels(JsonNode? node)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    labels[key] = s;
                }
            }
        }
        return labels;
    }

    private static void AddContainerPatch(JsonArray patch, string envPath, JsonNode? container, IReadOnlyList<EnvVar> vars, List<string> warnings)
    {
        if (container is not JsonObject c)
        {
            return;
        }
        var env = c["env"];
        if (env is not null and not JsonArray)
        {
            warnings.Add("dns-envinjector: " + envPath + " is not a list; container not changed");
            return;
        }
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (env is JsonArray existing)
        {
            foreach (var e in existing)
            {
                if (e?["name"] is JsonValue nv && nv.TryGetValue<string>(out var name))
                {
                    declared.Add(name);
                }
            }
        }
        var merged = new JsonArray();
        foreach (var v in vars)
        {
            if (!declared.Contains(v.Name))
            {
                merged.Add(new JsonObject { ["name"] = v.Name, ["value"] = v.Value });
            }
        }
        if (merged.Count == 0)
        {
            return;
        }
        if (env is JsonArray original)
        {
            foreach (var e in original)
            {
                merged.Add(e?.DeepClone());
            }
        }
        patch.Add(new JsonObject
        {
            ["op"] = env is null ? "add" : "replace",
            ["path"] = envPath,
            ["value"] = merged,
        });
    }

    private static AdmissionResult Respond(string apiVersion, string uid, JsonArray? patch, List<string> warnings)
    {
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = true };
        if (patch is not null)
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch.ToJsonString()));
        }
        if (warnings.Count > 0)
        {
            var w = new JsonArray();
            foreach (var s in warnings)
            {
                w.Add(s);
            }
            response["warnings"] = w;
            response["status"] = new JsonObject { ["code"] = 200, ["message"] = string.Join("; ", warnings) };
        }
        var review = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "AdmissionReview",
            ["response"] = response,
        };
        return new AdmissionResult(200, "application/json", review.ToJsonString());
    }

    private static AdmissionResult BadRequest(string message) => new(400, "text/plain; charset=utf-8", message + "\n");
}
