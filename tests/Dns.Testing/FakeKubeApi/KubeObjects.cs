using k8s.Models;

namespace Dns.Testing.FakeKubeApi;

/// <summary>Builders for the API objects tests put into <see cref="FakeKubeApiServer"/> (ready endpoints, one http port).</summary>
public static class KubeObjects
{
    /// <summary>The EndpointSlice label naming its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public static V1Service Service(string ns, string name, string clusterIP = "10.96.0.50", Dictionary<string, string>? labels = null, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIP,
            ClusterIPs = [clusterIP],
            Ports = ports.Length == 0 ? [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] : ports,
        },
    };

    public static V1EndpointSlice Slice(string ns, string name, string service, params string[] addresses)
    {
        var eps = new List<V1Endpoint>();
        foreach (var a in addresses)
        {
            eps.Add(new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true } });
        }
        return new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { [ServiceNameLabel] = service } },
            AddressType = "IPv4",
            Endpoints = eps,
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 80, Protocol = "TCP" }],
        };
    }

    public static V1Namespace Namespace(string name, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = labels } };

    public static V1Pod Pod(string ns, string name, string ip) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Status = new V1PodStatus { PodIP = ip, Phase = "Running" },
    };
}
