using Dns.EnvInjector.Output;
using Dns.EnvInjector.Sources;

namespace Dns.EnvInjector.Cli;

/// <summary>The parsed command line of one command.</summary>
internal sealed class CliOptions
{
    /// <summary><c>print</c>, <c>exec</c> or <c>webhook</c>.</summary>
    public required string Command { get; init; }

    /// <summary><c>--namespace</c>: the pod's namespace.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary><c>--manifests</c>.</summary>
    public string? Manifests { get; set; }

    /// <summary><c>--kubeconfig</c>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary><c>--context</c>.</summary>
    public string? Context { get; set; }

    /// <summary><c>--server</c>.</summary>
    public string? Server { get; set; }

    /// <summary><c>--enable-service-links</c>; null when not given (true for print/exec, the pod's own value for the webhook).</summary>
    public bool? EnableServiceLinks { get; set; }

    /// <summary><c>--format</c>.</summary>
    public OutputFormat Format { get; set; } = OutputFormat.Env;

    /// <summary><c>--timeout</c>: how long to wait for the first complete list of services.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>exec --watch</c>.</summary>
    public bool Watch { get; set; }

    /// <summary><c>exec</c>: the command and its arguments (after <c>--</c>).</summary>
    public IReadOnlyList<string> CommandLine { get; set; } = [];

    /// <summary><c>webhook --tls-cert</c>.</summary>
    public string? TlsCert { get; set; }

    /// <summary><c>webhook --tls-key</c>.</summary>
    public string? TlsKey { get; set; }

    /// <summary><c>webhook --listen</c>.</summary>
    public string Listen { get; set; } = ":8443";

    /// <summary><c>webhook --label-selector</c>: opt-in selector matched against pod labels and namespace labels.</summary>
    public string LabelSelector { get; set; } = "dns.envinjector/inject=true";

    /// <summary>The source options.</summary>
    public SourceOptions Source => new(Manifests, Kubeconfig, Context, Server);
}
