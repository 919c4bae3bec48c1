using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

/// <summary>Builds <see cref="ServiceInfo"/>s tersely, like the kubelet tests' <c>buildService</c>.</summary>
internal static class Svc
{
    public static ServiceInfo Build(string name, string ns, string clusterIP, params (string Name, int Port, string Protocol)[] ports) => new()
    {
        Name = name,
        Namespace = ns,
        ClusterIP = clusterIP,
        ClusterIPs = clusterIP.Length == 0 ? [] : [clusterIP],
        Ports = [.. ports.Select(p => new ServicePortInfo(p.Name, p.Port, p.Protocol))],
    };

    /// <summary><c>buildService(name, namespace, clusterIP, protocol, port)</c>: one unnamed port.</summary>
    public static ServiceInfo One(string name, string ns, string clusterIP, string protocol, int port) =>
        Build(name, ns, clusterIP, ("", port, protocol));
}
