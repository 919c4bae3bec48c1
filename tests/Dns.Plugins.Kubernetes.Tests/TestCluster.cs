using System.Net;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>Builders for cluster objects and the standard test cluster the handler tables answer from.</summary>
internal static class TestCluster
{
    public const uint Serial = 1499347823;

    public static ServiceInfo ClusterIP(string ns, string name, string[] ips, params ServicePortInfo[] ports) => new()
    {
        Name = name,
        Namespace = ns,
        Type = "ClusterIP",
        ClusterIP = ips.Length > 0 ? ips[0] : "",
        ClusterIPs = ips,
        ClusterIPAddresses = Parse(ips),
        Ports = ports,
    };

    public static ServiceInfo Headless(string ns, string name, params ServicePortInfo[] ports) => new()
    {
        Name = name,
        Namespace = ns,
        Type = "ClusterIP",
        ClusterIP = "None",
        ClusterIPs = ["None"],
        Ports = ports,
    };

    public static ServiceInfo External(string ns, string name, string externalName) => new()
    {
        Name = name,
        Namespace = ns,
        Type = "ExternalName",
        ExternalName = externalName,
    };

    public static ServicePortInfo Port(string name, int port, string protocol = "TCP") => new(name, port, protocol);

    public static EndpointInfo Ep(string address, string? hostname = null, bool ready = true, string? targetRef = null, string? zone = null) => new()
    {
        AddressTexts = [address],
        Hostname = hostname,
        Ready = ready,
        TargetRefName = targetRef,
        TargetRefKind = targetRef is null ? null : "Pod",
        Zone = zone,
    };

    public static EndpointSliceInfo Slice(string ns, string service, string name, EndpointInfo[] endpoints, params ServicePortInfo[] ports) => new()
    {
        Name = name,
        Namespace = ns,
        ServiceName = service,
        Endpoints = endpoints,
        Ports = ports,
    };

    public static PodInfo Pod(string ns, string name, string ip, string phase = "Running", bool terminating = false) => new()
    {
        Name = name,
        Namespace = ns,
        PodIP = ip,
        PodIPAddress = IPAddress.Parse(ip),
        Phase = phase,
        Terminating = terminating,
    };

    public static NamespaceInfo Ns(string name) => new() { Name = name };

    private static IPAddress[] Parse(string[] ips)
    {
        var list = new List<IPAddress>();
        foreach (var ip in ips)
        {
            if (IPAddress.TryParse(ip, out var a))
            {
                list.Add(a);
            }
        }
        return [.. list];
    }

    public static ServiceInfo[] Services =>
    [
        ClusterIP("testns", "svc1", ["10.0.0.1"], Port("http", 80)),
        ClusterIP("testns", "svcempty", ["10.0.0.2"], Port("http", 80)),
        ClusterIP("testns", "svc6", ["1234:abcd::1"], Port("http", 80)),
        ClusterIP("testns", "dual", ["10.0.0.3", "fd00::3"], Port("http", 80)),
        ClusterIP("testns", "dns53", ["10.0.0.4"], Port("dns", 53, "UDP"), Port("dns-tcp", 53, "TCP")),
        ClusterIP("testns", "nopo", ["10.0.0.5"]),
        ClusterIP("testns", "multi", ["10.0.0.6"], Port("http", 80), Port("https", 443), Port("", 8081)),
        Headless("testns", "hdls1", Port("http", 80), Port("https", 443)),
        Headless("testns", "hdls6"),
        Headless("testns", "hdlsempty"),
        Headless("testns", "hdlsnotready"),
        Headless("testns", "hdlsnoports"),
        Headless("testns", "hdlsz", Port("http", 80)),
        External("testns", "ext", "ext.interwebs.test"),
        External("testns", "extip", "1.2.3.4"),
        External("testns", "extin", "svc1.testns.svc.cluster.local"),
        ClusterIP("kube-system", "kube-dns", ["10.96.0.10"], Port("dns", 53, "UDP"), Port("dns-tcp", 53, "TCP"), Port("metrics", 9153)),
        ClusterIP("other", "svc-other", ["10.0.9.1"], Port("http", 80)),
        Headless("other", "hdls-other"),
    ];

    public static EndpointSliceInfo[] Slices =>
    [
        Slice("testns", "svc1", "svc1-abc", [Ep("172.0.0.1", hostname: "ep1a"), Ep("172.0.0.11", targetRef: "svc1-pod-b")], Port("http", 8080)),
        Slice("testns", "hdls1", "hdls1-v4",
            [Ep("172.0.0.2", targetRef: "hdls1-pod-a"), Ep("172.0.0.3", hostname: "shared"), Ep("172.0.0.4", hostname: "shared"), Ep("172.0.0.9", ready: false)],
            Port("http", 80), Port("https", 443)),
        Slice("testns", "hdls6", "hdls6-v6", [Ep("5678:abcd::1"), Ep("1234:abcd::")], Port("http", 8080)),
        Slice("testns", "hdlsnotready", "hdlsnotready-x", [Ep("172.0.0.30", ready: false)], Port("http", 80)),
        Slice("testns", "hdlsnoports", "hdlsnoports-x", [Ep("172.0.0.20")]),
        Slice("testns", "hdlsz", "hdlsz-x",
            [Ep("172.0.1.1", zone: "us-west-2a"), Ep("172.0.1.2", zone: "us-west-2b"), Ep("172.0.1.3", zone: "us-west-2b")],
            Port("http", 80)),
        Slice("kube-system", "kube-dns", "kube-dns-x", [Ep("10.244.0.5", targetRef: "coredns-1")], Port("dns", 53, "UDP"), Port("dns-tcp", 53, "TCP"), Port("metrics", 9153)),
        Slice("other", "hdls-other", "hdls-other-x", [Ep("172.0.5.1")], Port("http", 80)),
    ];

    public static PodInfo[] Pods =>
    [
        Pod("testns", "hdls1-pod-a", "172.0.0.2"),
        Pod("testns", "v6pod", "fd00::42"),
        Pod("other", "other-pod", "10.244.1.1"),
        Pod("testns", "done", "10.244.9.9", phase: "Succeeded"),
        Pod("testns", "going", "10.244.9.8", terminating: true),
    ];

    public static NamespaceInfo[] Namespaces => [Ns("testns"), Ns("kube-system"), Ns("other")];

    public static ClusterSnapshot Snapshot(bool synced = true) => new(Services, Slices, Pods, Namespaces, Serial, synced);
}
