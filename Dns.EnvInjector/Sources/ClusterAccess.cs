using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dns.EnvInjector.Cli;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;
using k8s;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Dns.EnvInjector.Sources;

/// <summary>
/// The production <see cref="IClusterAccess"/> over the Kubernetes plugin's sources: <see cref="ManifestLoader"/> /
/// <see cref="ManifestSource"/> for files, <see cref="ApiServerSource"/> (kubeconfig, URL or in-cluster) for an API
/// server. Only Services and Namespaces are read (no EndpointSlices, no Pods).
/// </summary>
internal sealed class ClusterAccess(ILoggerFactory loggerFactory) : IClusterAccess
{
    /// <inheritdoc/>
    public async Task<ClusterSnapshot> LoadOnceAsync(SourceOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (options.Manifests is { } path)
        {
            try
            {
                return ManifestLoader.Load(path).ToSnapshot(0, loggerFactory.CreateLogger("manifests"));
            }
            catch (ManifestException e)
            {
                throw new CliException("cannot load manifests: " + e.Message, 1, e);
            }
        }
        if (options.Server is null && options.Kubeconfig is null && !KubernetesClientConfiguration.IsInCluster())
        {
            throw new CliException("no source: not running in a Kubernetes pod (no service account); use --manifests, --kubeconfig or --server");
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await ApiServerSource.ListOnceAsync(ApiOptions(options), loggerFactory, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException("cannot list services from " + options.Describe() + ": no answer within "
                + timeout.TotalSeconds + "s (is the cluster reachable?)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CliException(Explain(options, e), 1, e);
        }
    }

    /// <inheritdoc/>
    public IClusterSource CreateSource(SourceOptions options)
    {
        if (options.Manifests is { } path)
        {
            return new ManifestSource(path, loggerFactory);
        }
        return new ApiServerSource(ApiOptions(options), loggerFactory);
    }

    /// <summary>A message for a failed API request: what was contacted and why it failed.</summary>
    internal static string Explain(SourceOptions options, Exception e)
    {
        var what = options.Describe();
        switch (e)
        {
            case KubeApiStatusException h:
                var status = h.StatusCode;
                var hint = status switch
                {
                    401 => " (credentials rejected)",
                    403 => " (not allowed to list services and namespaces: check RBAC)",
                    _ => "",
                };
                return "the Kubernetes API (" + what + ") answered " + status + " " + ReasonPhrases.GetReasonPhrase(status) + hint
                    + StatusMessage(h.Content);
            case SocketException s:
                return "cannot reach the Kubernetes API (" + what + "): " + s.Message;
            case IOException or System.Security.Authentication.AuthenticationException:
                return "cannot reach the Kubernetes API (" + what + "): " + Flatten(e);
            default:
                return "cannot list services from " + what + ": " + Flatten(e);
        }
    }

    /// <summary>The <c>message</c> of a Kubernetes Status body (it says who was refused what), or nothing.</summary>
    private static string StatusMessage(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return "";
        }
        try
        {
            return JsonNode.Parse(content)?["message"] is JsonValue v && v.TryGetValue<string>(out var m) && m.Length > 0 ? ": " + m : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static ApiSourceOptions ApiOptions(SourceOptions options) => new()
    {
        Endpoint = options.Server,
        Kubeconfig = options.Kubeconfig,
        Context = options.Context,
        WatchEndpoints = false,
        WatchPods = false,
    };

    private static string Flatten(Exception e)
    {
        var m = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!m.Contains(inner.Message, StringComparison.Ordinal))
            {
                m += ": " + inner.Message;
            }
        }
        return m;
    }
}
