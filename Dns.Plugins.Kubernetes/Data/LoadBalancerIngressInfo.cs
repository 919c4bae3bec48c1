namespace Dns.Plugins.Kubernetes.Data;

/// <summary>One <c>status.loadBalancer.ingress</c> entry: an IP or a hostname.</summary>
public sealed record LoadBalancerIngressInfo(string? Ip, string? Hostname);
