using System.Text;
using System.Text.Json;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;
using k8s;
using k8s.Models;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// The API path reads objects without KubernetesClient's models (<see cref="ApiObjectReader"/>): every field DNS
/// answers from must come out as KubernetesJson and <see cref="KubeObjectConverter"/> read it, from objects shaped as
/// the API server sends them (managed fields, a pod spec, conditions, timestamps ...).
/// </summary>
public sealed class ApiObjectReaderTests
{
    private const string ServiceJson = """
        {"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","uid":"3f1c0f7e-6a5b-4b7e-9d0e-111111111111",
        "resourceVersion":"48213","creationTimestamp":"2026-01-02T03:04:05Z","labels":{"app":"web","tier":"front"},
        "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"},
        "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2026-01-02T03:04:05Z",
        "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:ports":{".":{},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{}}}}}}]},
        "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},{"name":"dns","protocol":"UDP","port":53,"targetPort":"dns","nodePort":31053}],
        "selector":{"app":"web"},"clusterIP":"10.96.7.7","clusterIPs":["10.96.7.7","fd00:10:96::7"],"type":"LoadBalancer",
        "externalIPs":["192.0.2.10","bogus"],"sessionAffinity":"None","ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"PreferDualStack",
        "allocateLoadBalancerNodePorts":true,"externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster",
        "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}}},
        "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.5","ipMode":"VIP","ports":[{"port":80,"protocol":"TCP"}]},{"hostname":"lb.example.com"}]},
        "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z","reason":"x","message":"y"}]}}
        """;

    private const string SliceJson = """
        {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"name":"web-abcde","generateName":"web-","namespace":"shop",
        "uid":"u","resourceVersion":"48214","generation":3,"creationTimestamp":"2026-01-02T03:04:05Z",
        "labels":{"endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io","kubernetes.io/service-name":"web"},
        "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2026-01-02T03:04:05Z"},
        "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"u","controller":true,"blockOwnerDeletion":true}],
        "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"discovery.k8s.io/v1","time":"2026-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:addressType":{}}}]},
        "addressType":"IPv4",
        "endpoints":[
         {"addresses":["10.244.1.5"],"conditions":{"ready":true,"serving":true,"terminating":false},"hostname":"web-0",
          "targetRef":{"kind":"Pod","namespace":"shop","name":"web-0","uid":"p0"},"nodeName":"node-a","zone":"zone-1","hints":{"forZones":[{"name":"zone-1"}]}},
         {"addresses":["10.244.2.6"],"conditions":{"ready":false,"serving":false,"terminating":true},
          "targetRef":{"kind":"Pod","namespace":"shop","name":"web-1","uid":"p1"},"nodeName":"node-b","deprecatedTopology":{"kubernetes.io/hostname":"node-b"}},
         {"addresses":["10.244.3.7"],"conditions":{}}],
        "ports":[{"name":"http","protocol":"TCP","port":8080,"appProtocol":"http"},{"name":"dns","protocol":"UDP","port":53}]}
        """;

    private const string PodJson = """
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","generateName":"web-","namespace":"shop","uid":"p0","resourceVersion":"48100",
        "creationTimestamp":"2026-01-02T03:04:05Z","deletionTimestamp":"2026-01-02T04:00:00Z","deletionGracePeriodSeconds":30,
        "labels":{"app":"web","controller-revision-hash":"web-5d4f"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","uid":"s","controller":true}]},
        "spec":{"volumes":[{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}],"defaultMode":420}}],
        "containers":[{"name":"web","image":"nginx:1.27","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
        "resources":{"limits":{"cpu":"500m","memory":"128Mi"}},"imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst",
        "nodeName":"node-a","hostname":"web-0","subdomain":"web","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
        "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-01-02T03:04:09Z"}],
        "hostIP":"192.168.0.10","hostIPs":[{"ip":"192.168.0.10"}],"podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}],"startTime":"2026-01-02T03:04:05Z",
        "containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2026-01-02T03:04:08Z"}},"ready":true,"restartCount":0,"image":"nginx:1.27","imageID":"x","started":true}],
        "qosClass":"Burstable"}}
        """;

    private const string NamespaceJson = """
        {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop","uid":"n","resourceVersion":"12","creationTimestamp":"2026-01-02T03:04:05Z",
        "labels":{"kubernetes.io/metadata.name":"shop","team":"a"},"managedFields":[]},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
        """;

    [Fact]
    public void Service_AsTheApiServerSendsIt_ReadsAsKubernetesJsonDoes()
    {
        var read = Service((ServiceJson))!;
        Assert.Equal(("shop", "web", "48213"), (read.Namespace, read.Name, read.ResourceVersion));
        var ours = read.Item!;
        var reference = KubeObjectConverter.ToService(KubernetesJson.Deserialize<V1Service>(ServiceJson))!;
        Assert.Equal(Describe(reference), Describe(ours));
        Assert.Equal(["10.96.7.7", "fd00:10:96::7"], ours.ClusterIPs);
        Assert.Equal("LoadBalancer", ours.Type);
        Assert.Equal(2, ours.Ports.Count);
        Assert.Equal(2, ours.LoadBalancerIngress.Count);
        Assert.Single(ours.ExternalIPs);
        Assert.Equal("front", ours.Labels["tier"]);
    }

    [Fact]
    public void EndpointSlice_AsTheApiServerSendsIt_ReadsAsKubernetesJsonDoes()
    {
        foreach (var keepPodNames in new[] { true, false })
        {
            var read = Slice(SliceJson, keepPodNames)!;
            Assert.Equal(("shop", "web-abcde", "48214"), (read.Namespace, read.Name, read.ResourceVersion));
            var ours = read.Item!;
            var reference = KubeObjectConverter.ToEndpointSlice(KubernetesJson.Deserialize<V1EndpointSlice>(SliceJson), null, keepPodNames)!;
            Assert.Equal(Describe(reference), Describe(ours));
            Assert.Equal("web", ours.ServiceName);
            Assert.Equal(3, ours.Endpoints.Count);
            Assert.Equal(keepPodNames ? "web-0" : null, ours.Endpoints[0].TargetRefName);
            Assert.False(ours.Endpoints[1].Ready);
            Assert.True(ours.Endpoints[2].Ready);
        }
    }

    [Fact]
    public void Pod_WithSpecAndDeletionTimestamp_IsReadAsTerminating()
    {
        var ours = Pod((PodJson))!.Item!;
        var reference = KubeObjectConverter.ToPod(KubernetesJson.Deserialize<V1Pod>(PodJson))!;
        Assert.Equal(Describe(reference), Describe(ours));
        Assert.True(ours.Terminating);
        Assert.Equal("10.244.1.5", ours.PodIP);

        var live = Pod((PodJson.Replace("\"deletionTimestamp\":\"2026-01-02T04:00:00Z\",", "")))!.Item!;
        Assert.False(live.Terminating);
        Assert.Equal("Running", live.Phase);
    }

    [Fact]
    public void Namespace_AsTheApiServerSendsIt_ReadsAsKubernetesJsonDoes()
    {
        var read = Namespace((NamespaceJson))!;
        Assert.Equal(("", "shop", "12"), (read.Namespace, read.Name, read.ResourceVersion));
        var ours = read.Item!;
        Assert.Equal("shop", ours.Name);
        Assert.Equal(2, ours.Labels.Count);
        Assert.Equal("a", ours.Labels["team"]);
    }

    [Fact]
    public void Bookmark_KeepsItsResourceVersion_WithoutAnItem()
    {
        var s = Service(("""{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"99120","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}}}"""));
        Assert.Equal("99120", s!.ResourceVersion);
        Assert.Equal("", s.Name);
        Assert.Null(s.Item);
        Assert.Null(Service(("[]")));
        Assert.Null(Pod(("\"pod\"")));
    }

    [Fact]
    public void NullLabelValue_ReadsAsEmpty_AsKubernetesJsonDoes()
    {
        var json = ServiceJson.Replace("\"tier\":\"front\"", "\"tier\":null");
        var ours = Service((json))!.Item!;
        var reference = KubeObjectConverter.ToService(KubernetesJson.Deserialize<V1Service>(json))!;
        Assert.Equal(Describe(reference), Describe(ours));
        Assert.Equal("", ours.Labels["tier"]);
    }

    [Fact]
    public void FieldsOfAnotherJsonType_ReadAsAbsent()
    {
        // The API server never sends these; a hand-made server might. They read as missing, nothing throws.
        var ours = Service(("""
            {"metadata":{"name":"odd","namespace":7,"labels":["x"]},
             "spec":{"type":1,"clusterIP":["10.0.0.1"],"clusterIPs":"10.0.0.1","ports":[{"name":"p","port":"80"},5,null],"externalName":{}},
             "status":{"loadBalancer":{"ingress":{"ip":"1.2.3.4"}}}}
            """))!.Item!;
        Assert.Equal("default/odd type=ClusterIP ip= ips= addrs= ext= ports=ServicePortInfo { Port = 0, Name = p, Protocol = TCP } extips= lb= labels=", Describe(ours));
        var slice = Slice(("""
            {"metadata":{"name":"s","namespace":"a","labels":{"kubernetes.io/service-name":3}},"addressType":null,
             "endpoints":[{"addresses":"10.0.0.1","conditions":{"ready":"yes"}},7],"ports":[{"port":"53"}]}
            """))!.Item!;
        Assert.Equal("a/s svc= type=IPv4 ports=ServicePortInfo { Port = -1, Name = , Protocol = TCP } [True     ]", Describe(slice));
    }

    [Fact]
    public void Status_OfAnErrorEvent()
    {
        var s = Status(("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}"""));
        Assert.Equal(410, s.Code);
        Assert.Equal("Expired", s.Reason);
        Assert.Equal("too old resource version: 1 (2)", s.StatusMessage);
    }

    [Fact]
    public void BuiltObjects_RoundTripThroughKubernetesJson_ReadTheSame()
    {
        var services = new[]
        {
            KubeObjects.Service("a", "s1"),
            KubeObjects.Service("a", "s2", "None", new Dictionary<string, string> { ["x"] = "y" }, new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" }),
            new V1Service { Metadata = new V1ObjectMeta { Name = "ext", NamespaceProperty = "b" }, Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "example.org" } },
        };
        foreach (var s in services)
        {
            var json = KubernetesJson.Serialize(s);
            Assert.Equal(Describe(KubeObjectConverter.ToService(s)!), Describe(Service((json))!.Item!));
        }
        var slice = KubeObjects.Slice("a", "s1-x", "s1", "10.0.0.1", "10.0.0.2", "fd00::3");
        Assert.Equal(
            Describe(KubeObjectConverter.ToEndpointSlice(slice)!),
            Describe(Slice((KubernetesJson.Serialize(slice)))!.Item!));
        var pod = KubeObjects.Pod("a", "p", "10.1.2.3");
        Assert.Equal(
            Describe(KubeObjectConverter.ToPod(pod)!),
            Describe(Pod((KubernetesJson.Serialize(pod)))!.Item!));
    }

    [Fact]
    public void ListPage_ItemsResourceVersionAndContinue_OtherKeysSkipped()
    {
        var body = Encoding.UTF8.GetBytes($$$"""
            {"kind":"ServiceList","apiVersion":"v1","extra":{"nested":[1,2,{"items":[]}]},
            "metadata":{"resourceVersion":"777","continue":"tok==","remainingItemCount":5},
            "items":[{{{ServiceJson}}},{"metadata":{"name":"b","namespace":"x"},"spec":{"clusterIP":"10.96.0.9"}},{"metadata":{}}],
            "trailer":"ignored"}
            """);
        var page = KubeApiClient.ReadPage(ApiKinds.Services(), body);
        Assert.Equal("777", page.ResourceVersion);
        Assert.Equal("tok==", page.Continue);
        Assert.Equal(3, page.Items!.Count);
        Assert.Equal("web", page.Items[0].Name);
        Assert.Equal("10.96.0.9", page.Items[1].Item!.ClusterIP);
        Assert.Null(page.Items[2].Item);

        var last = KubeApiClient.ReadPage(ApiKinds.Namespaces(), """{"metadata":{"resourceVersion":"8"},"items":null}"""u8.ToArray());
        Assert.Equal("8", last.ResourceVersion);
        Assert.Null(last.Continue);
        Assert.Empty(last.Items!);

        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadPage(ApiKinds.Pods(), "[]"u8.ToArray()));
        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadPage(ApiKinds.Pods(), """{"items":[{"metadata":"""u8.ToArray()));
        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadPage(ApiKinds.Pods(), """{"items":[]} x"""u8.ToArray()));
    }

    [Fact]
    public void WatchEvent_ObjectBeforeType_ReadWithItsType()
    {
        var errors = new List<Exception>();
        var e = KubeApiClient.ReadEvent(ApiKinds.Services(), """{"object":{"metadata":{"name":"b","namespace":"x","resourceVersion":"9"},"spec":{"clusterIP":"10.96.0.9"}},"type":"MODIFIED"}""", errors.Add);
        Assert.NotNull(e);
        Assert.Equal(Dns.Plugins.Kubernetes.Sources.WatchEventType.Modified, e.Value.Item1);
        Assert.Equal(("x", "b", "9", "10.96.0.9"), (e.Value.Item2.Namespace, e.Value.Item2.Name, e.Value.Item2.ResourceVersion, e.Value.Item2.Item!.ClusterIP));

        // An ERROR's object is a Status, whichever comes first; it goes to onError, not to the caller.
        Assert.Null(KubeApiClient.ReadEvent(ApiKinds.Services(), """{"object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"},"type":"ERROR"}""", errors.Add));
        var error = Assert.IsType<KubeWatchErrorException>(Assert.Single(errors));
        Assert.Equal((410, "Expired", "too old"), (error.Code, error.Reason, error.StatusMessage));

        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadEvent(ApiKinds.Services(), """{"type":"ADDED"}""", errors.Add));
        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadEvent(ApiKinds.Services(), """{"type":"RESYNC","object":{}}""", errors.Add));
        Assert.Throws<ApiJsonException>(() => KubeApiClient.ReadEvent(ApiKinds.Services(), """{"type":"ADDED","object":{}} {}""", errors.Add));
    }

    private static ApiObject<ServiceInfo>? Service(string json) => Read(json, (ref JsonCursor c) => ApiObjectReader.Service(ref c));

    private static ApiObject<EndpointSliceInfo>? Slice(string json, bool keepPodNames = true) =>
        Read(json, (ref JsonCursor c) => ApiObjectReader.EndpointSlice(ref c, null, keepPodNames));

    private static ApiObject<PodInfo>? Pod(string json) => Read(json, (ref JsonCursor c) => ApiObjectReader.Pod(ref c));

    private static ApiObject<NamespaceInfo>? Namespace(string json) => Read(json, ApiObjectReader.Namespace);

    private static KubeWatchErrorException Status(string json)
    {
        var c = new JsonCursor(Encoding.UTF8.GetBytes(json));
        var e = ApiObjectReader.Status(ref c);
        c.End();
        return e;
    }

    /// <summary>One object read from the whole text, which must hold nothing else.</summary>
    private static ApiObject<T>? Read<T>(string json, ApiObjectRead<T> read)
        where T : class
    {
        var c = new JsonCursor(Encoding.UTF8.GetBytes(json));
        var o = read(ref c);
        c.End();
        return o;
    }

    private static string Describe(ServiceInfo s)
    {
        var b = new StringBuilder();
        b.Append(s.Namespace).Append('/').Append(s.Name).Append(" type=").Append(s.Type).Append(" ip=").Append(s.ClusterIP)
            .Append(" ips=").AppendJoin(',', s.ClusterIPs).Append(" addrs=").AppendJoin(',', s.ClusterIPAddresses)
            .Append(" ext=").Append(s.ExternalName).Append(" ports=").AppendJoin(',', s.Ports)
            .Append(" extips=").AppendJoin(',', s.ExternalIPs).Append(" lb=").AppendJoin(',', s.LoadBalancerIngress)
            .Append(" labels=").Append(Labels(s.Labels));
        return b.ToString();
    }

    private static string Describe(EndpointSliceInfo s)
    {
        var b = new StringBuilder();
        b.Append(s.Namespace).Append('/').Append(s.Name).Append(" svc=").Append(s.ServiceName).Append(" type=").Append(s.AddressType)
            .Append(" ports=").AppendJoin(',', s.Ports);
        foreach (var e in s.Endpoints)
        {
            b.Append(" [").Append(e.Ready).Append(' ').Append(e.Hostname).Append(' ').Append(e.TargetRefKind).Append(' ')
                .Append(e.TargetRefName).Append(' ').Append(e.NodeName).Append(' ').Append(e.Zone);
            for (var i = 0; i < e.AddressCount; i++)
            {
                b.Append(' ').Append(e.AddressText(i));
            }
            b.Append(']');
        }
        return b.ToString();
    }

    private static string Describe(PodInfo p) =>
        $"{p.Namespace}/{p.Name} ip={p.PodIP} {p.PodIPAddress} phase={p.Phase} term={p.Terminating} labels={Labels(p.Labels)}";

    private static string Labels(IReadOnlyDictionary<string, string> labels)
    {
        var keys = new List<string>(labels.Keys);
        keys.Sort(StringComparer.Ordinal);
        var b = new StringBuilder();
        foreach (var k in keys)
        {
            b.Append(k).Append('=').Append(labels[k]).Append(';');
        }
        return b.ToString();
    }
}
