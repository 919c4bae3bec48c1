using Dns.Core.Pipeline;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>Creates the cluster source a <c>kubernetes</c> block answers from (API server, manifests, or a test double).</summary>
public delegate IClusterSource ClusterSourceFactory(KubernetesOptions options, SetupContext context);
