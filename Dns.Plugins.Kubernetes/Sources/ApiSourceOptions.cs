namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// How <see cref="ApiServerSource"/> reaches the API server and what it watches (the <c>kubernetes</c> plugin's
/// <c>endpoint</c>, <c>tls</c>, <c>kubeconfig</c>, <c>labels</c>, <c>namespace_labels</c>, <c>pods</c> and
/// <c>noendpoints</c> options). With neither <see cref="Kubeconfig"/> nor <see cref="Endpoint"/> the in-cluster
/// service account is used.
/// </summary>
public sealed record ApiSourceOptions
{
    /// <summary><c>endpoint URL</c>: http or https URL of the API server; ignored when <see cref="Kubeconfig"/> is set.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>kubeconfig FILE</c>: takes precedence over <see cref="Endpoint"/>.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary><c>kubeconfig FILE CONTEXT</c>: the context (current-context when null).</summary>
    public string? Context { get; init; }

    /// <summary><c>tls CERT KEY CACERT</c>: client certificate file (PEM) for <see cref="Endpoint"/>.</summary>
    public string? TlsCert { get; init; }

    /// <summary><c>tls CERT KEY CACERT</c>: client key file (PEM).</summary>
    public string? TlsKey { get; init; }

    /// <summary><c>tls CERT KEY CACERT</c>: CA bundle (PEM) the API server certificate must chain to.</summary>
    public string? TlsCa { get; init; }

    /// <summary><c>labels</c>: server-side label selector for Services, EndpointSlices and Pods.</summary>
    public string? LabelSelector { get; init; }

    /// <summary><c>namespace_labels</c>: server-side label selector for Namespaces.</summary>
    public string? NamespaceLabelSelector { get; init; }

    /// <summary>Watch Pods (needed for <c>pods verified</c>).</summary>
    public bool WatchPods { get; init; }

    /// <summary>Keep endpoints' targetRef names (needed only for <c>endpoint_pod_names</c>).</summary>
    public bool KeepPodNames { get; init; } = true;

    /// <summary>Watch EndpointSlices (false for <c>noendpoints</c>).</summary>
    public bool WatchEndpoints { get; init; } = true;

    /// <summary>Reflector timings (defaults suit production; tests shorten them).</summary>
    public ReflectorTiming Timing { get; init; } = new();
}
