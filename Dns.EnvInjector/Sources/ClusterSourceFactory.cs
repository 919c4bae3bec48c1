using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Sources;

/// <summary>Creates the (not yet started) source of cluster data described by <paramref name="options"/>.</summary>
internal delegate IClusterSource ClusterSourceFactory(SourceOptions options);
