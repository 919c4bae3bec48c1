using System.Globalization;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Rules;

/// <summary>
/// The kubelet's legacy service environment variables: <c>pkg/kubelet/envvars/envvars.go</c> (<see cref="FromServices"/>)
/// and <c>getServiceEnvVarMap</c> in <c>pkg/kubelet/kubelet_pods.go</c> (<see cref="ForPod"/>). Pure functions.
/// </summary>
internal static class EnvVarRules
{
    /// <summary>The namespace of the master service (the kubelet's former <c>--master-service-namespace</c>).</summary>
    public const string MasterServiceNamespace = "default";

    /// <summary>The kubelet's <c>masterServices</c> set.</summary>
    public const string MasterServiceName = "kubernetes";

    /// <summary>
    /// <c>v1helper.IsServiceIPSet</c>: only <c>spec.clusterIP</c> counts ("" and "None" drop out; there is no type check,
    /// so NodePort and LoadBalancer services are included, ExternalName and headless ones are not).
    /// </summary>
    public static bool IsServiceIPSet(ServiceInfo service) =>
        service.ClusterIP.Length != 0 && service.ClusterIP != "None";

    /// <summary>
    /// The services a pod in <paramref name="podNamespace"/> sees, keyed by service name, exactly as
    /// <c>getServiceEnvVarMap</c> selects them: the master service <c>default/kubernetes</c> always (even with links
    /// off) unless the name is already taken, and with links on every service of the pod's namespace, overwriting by
    /// name (so a <c>kubernetes</c> service in the pod's namespace beats the master one).
    /// </summary>
    public static IReadOnlyList<ServiceInfo> SelectServices(IEnumerable<ServiceInfo> services, string podNamespace, bool enableServiceLinks)
    {
        var map = new Dictionary<string, ServiceInfo>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!IsServiceIPSet(service))
            {
                continue;
            }
            if (service.Namespace == MasterServiceNamespace && service.Name == MasterServiceName)
            {
                map.TryAdd(service.Name, service);
            }
            else if (service.Namespace == podNamespace && enableServiceLinks)
            {
                map[service.Name] = service;
            }
        }
        var list = new List<ServiceInfo>(map.Values);
        // The kubelet iterates a Go map here (random order); sorting makes our output reproducible.
        list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>
    /// The variables of a pod in <paramref name="podNamespace"/>, sorted by name (ordinal). The kubelet collects them
    /// in a map, so a name produced twice keeps the value written last, in the order of <see cref="SelectServices"/>.
    /// </summary>
    public static IReadOnlyList<EnvVar> ForPod(IEnumerable<ServiceInfo> services, string podNamespace, bool enableServiceLinks)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in FromServices(SelectServices(services, podNamespace, enableServiceLinks)))
        {
            map[v.Name] = v.Value;
        }
        var result = new List<EnvVar>(map.Count);
        foreach (var (name, value) in map)
        {
            result.Add(new EnvVar(name, value));
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    /// <summary>
    /// <c>envvars.FromServices</c>: the variables of each service, in the kubelet's order (host, first port, named
    /// ports, then the Docker-link variables of the first port and of every port). Services without a cluster IP are
    /// skipped. A service without ports (rejected by API validation; the kubelet would index out of range) gets only
    /// <c>_SERVICE_HOST</c>.
    /// </summary>
    public static List<EnvVar> FromServices(IEnumerable<ServiceInfo> services)
    {
        var result = new List<EnvVar>();
        foreach (var service in services)
        {
            if (!IsServiceIPSet(service))
            {
                continue;
            }
            var prefix = MakeEnvVariableName(service.Name);
            var ip = service.ClusterIP;
            result.Add(new EnvVar(prefix + "_SERVICE_HOST", ip));
            if (service.Ports.Count == 0)
            {
                continue;
            }
            var servicePort = prefix + "_SERVICE_PORT";
            result.Add(new EnvVar(servicePort, Itoa(service.Ports[0].Port)));
            foreach (var port in service.Ports)
            {
                if (port.Name.Length != 0)
                {
                    result.Add(new EnvVar(servicePort + "_" + MakeEnvVariableName(port.Name), Itoa(port.Port)));
                }
            }
            AddLinkVariables(result, prefix, service);
        }
        return result;
    }

    /// <summary><c>makeEnvVariableName</c>: upper case, '-' to '_'; nothing else (no dot or leading-digit handling).</summary>
    public static string MakeEnvVariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    /// <summary>
    /// <c>net.JoinHostPort</c>: brackets the host when it contains a colon (IPv6), verbatim otherwise (case kept).
    /// </summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]:" + Itoa(port) : host + ":" + Itoa(port);

    private static void AddLinkVariables(List<EnvVar> result, string prefix, ServiceInfo service)
    {
        var ip = service.ClusterIP;
        for (var i = 0; i < service.Ports.Count; i++)
        {
            var port = service.Ports[i];
            var protocol = port.Protocol.Length == 0 ? "TCP" : port.Protocol;
            var lower = protocol.ToLowerInvariant();
            var url = lower + "://" + JoinHostPort(ip, port.Port);
            if (i == 0)
            {
                // Docker special-cases the first port.
                result.Add(new EnvVar(prefix + "_PORT", url));
            }
            var portPrefix = prefix + "_PORT_" + Itoa(port.Port) + "_" + protocol.ToUpperInvariant();
            result.Add(new EnvVar(portPrefix, url));
            result.Add(new EnvVar(portPrefix + "_PROTO", lower));
            result.Add(new EnvVar(portPrefix + "_PORT", Itoa(port.Port)));
            result.Add(new EnvVar(portPrefix + "_ADDR", ip));
        }
    }

    private static string Itoa(int value) => value.ToString(CultureInfo.InvariantCulture);
}
