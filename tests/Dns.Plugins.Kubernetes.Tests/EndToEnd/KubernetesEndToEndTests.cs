using Dns.Testing;

namespace Dns.Plugins.Kubernetes.Tests.EndToEnd;

/// <summary>The whole server over real sockets with <c>manifests examples/cluster.yaml</c>, queried with dig.</summary>
public sealed class KubernetesEndToEndTests : IAsyncLifetime
{
    private TestDnsServer? _server;

    /// <summary>The repository's examples/cluster.yaml, found from the test binaries upwards.</summary>
    internal static string ClusterYaml
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "examples", "cluster.yaml");
                if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Dns.sln")))
                {
                    return candidate;
                }
            }
            throw new FileNotFoundException("examples/cluster.yaml not found above " + AppContext.BaseDirectory);
        }
    }

    public async Task InitializeAsync()
    {
        _server = await TestDnsServer.StartAsync($$"""
            cluster.local in-addr.arpa example.org {
                k8s_external example.org
                kubernetes cluster.local in-addr.arpa {
                    manifests {{ClusterYaml}}
                    pods insecure
                }
            }
            """);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Task<DigResult> DigAsync(params string[] args) => Dig.RunAsync(_server!.Port, args);

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_ClusterIPService_AuthoritativeA(string transport)
    {
        var r = await DigAsync(transport, "frontend.demo.svc.cluster.local", "A");
        Assert.Equal("NOERROR", r.Status);
        Assert.Contains("aa", r.Flags.Split(' '));
        Assert.DoesNotContain("ra", r.Flags.Split(' '));
        Assert.Equal(["frontend.demo.svc.cluster.local. 5 IN A 10.96.120.15"], r.Section("ANSWER"));
        Assert.Empty(r.Section("AUTHORITY"));
    }

    [Fact]
    public async Task Dig_HeadlessSrv_EndpointTargetsWithGlue()
    {
        var r = await DigAsync("web.demo.svc.cluster.local", "SRV");
        Assert.Equal("NOERROR", r.Status);
        var answer = r.Section("ANSWER");
        Assert.Equal(2, answer.Count);
        Assert.Contains("web.demo.svc.cluster.local. 5 IN SRV 0 50 80 web-0.web.demo.svc.cluster.local.", answer);
        Assert.Contains("web.demo.svc.cluster.local. 5 IN SRV 0 50 80 web-1.web.demo.svc.cluster.local.", answer);
        Assert.Contains("web-0.web.demo.svc.cluster.local. 5 IN A 10.244.1.30", r.Section("ADDITIONAL"));
    }

    [Fact]
    public async Task Dig_DualStackAaaa_Answered()
    {
        var r = await DigAsync("api.demo.svc.cluster.local", "AAAA");
        Assert.Equal(["api.demo.svc.cluster.local. 5 IN AAAA fd00:10:96::4520"], r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_MissingService_NxDomainWithOneSoa()
    {
        var r = await DigAsync("nope.demo.svc.cluster.local", "A");
        Assert.Equal("NXDOMAIN", r.Status);
        Assert.Contains("aa", r.Flags.Split(' '));
        var soa = Assert.Single(r.Section("AUTHORITY"));
        Assert.StartsWith("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", soa, StringComparison.Ordinal);
        Assert.EndsWith(" 7200 1800 86400 5", soa, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_MixedCase_KeepsSpelling()
    {
        var r = await DigAsync("FrontEnd.Demo.svc.CLUSTER.local", "SRV");
        Assert.Contains("FrontEnd.Demo.svc.CLUSTER.local. 5 IN SRV 0 50 80 frontend.demo.svc.CLUSTER.local.", r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_ReverseOfClusterIP_Ptr()
    {
        var r = await DigAsync("-x", "10.96.120.15");
        Assert.Equal(["15.120.96.10.in-addr.arpa. 5 IN PTR frontend.demo.svc.cluster.local."], r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_DnsVersion_Txt()
    {
        var r = await DigAsync("dns-version.cluster.local", "TXT");
        Assert.Equal(["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""], r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_PodInsecure_A()
    {
        var r = await DigAsync("10-244-1-10.demo.pod.cluster.local", "A");
        Assert.Equal(["10-244-1-10.demo.pod.cluster.local. 5 IN A 10.244.1.10"], r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_ExternalName_CnameKeptWhenTargetUnanswerable()
    {
        // example.com is outside every zone of this server: the upstream lookup is REFUSED, the CNAME stays.
        var r = await DigAsync("external.demo.svc.cluster.local", "A");
        Assert.Equal("NOERROR", r.Status);
        Assert.Equal(["external.demo.svc.cluster.local. 5 IN CNAME example.com."], r.Section("ANSWER"));
    }

    [Fact]
    public async Task Dig_K8sExternalApex_Soa()
    {
        var r = await DigAsync("example.org", "SOA");
        var soa = Assert.Single(r.Section("ANSWER"));
        Assert.StartsWith("example.org. 5 IN SOA ns1.dns.example.org. hostmaster.dns.example.org. ", soa, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_K8sExternalServiceWithoutExternalIp_NxDomain()
    {
        var r = await DigAsync("frontend.demo.example.org", "A");
        Assert.Equal("NXDOMAIN", r.Status);
    }
}

/// <summary><c>labels</c> and <c>namespace_labels</c> over manifest data.</summary>
public sealed class KubernetesManifestSelectorTests
{
    [Fact]
    public async Task Dig_LabelsOption_HidesUnmatchedServices()
    {
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                kubernetes {
                    manifests {{KubernetesEndToEndTests.ClusterYaml}}
                    labels app=frontend
                }
            }
            """);
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "frontend.demo.svc.cluster.local", "A")).Status);
        Assert.Equal("NXDOMAIN", (await Dig.RunAsync(server.Port, "api.demo.svc.cluster.local", "A")).Status);
    }

    [Fact]
    public async Task Dig_NamespaceLabelsOption_HidesUnmatchedNamespaces()
    {
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                kubernetes {
                    manifests {{KubernetesEndToEndTests.ClusterYaml}}
                    namespace_labels team=demo
                }
            }
            """);
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "api.demo.svc.cluster.local", "A")).Status);
        Assert.Equal("NXDOMAIN", (await Dig.RunAsync(server.Port, "kube-dns.kube-system.svc.cluster.local", "A")).Status);
    }
}

/// <summary>An API server that cannot be reached: the server starts after <c>startup_timeout</c> and answers SERVFAIL for what it cannot know.</summary>
public sealed class KubernetesUnreachableApiTests
{
    [Fact]
    public async Task Dig_ApiUnreachable_ServFailWithSoaAfterStartupTimeout()
    {
        await using var server = await TestDnsServer.StartAsync("""
            cluster.local {
                kubernetes {
                    endpoint http://127.0.0.1:1 http://127.0.0.1:2
                    startup_timeout 200ms
                }
            }
            """);
        var r = await Dig.RunAsync(server.Port, "kube-dns.kube-system.svc.cluster.local", "A");
        Assert.Equal("SERVFAIL", r.Status);
        Assert.Contains("aa", r.Flags.Split(' '));
        var soa = Assert.Single(r.Section("AUTHORITY"));
        Assert.StartsWith("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", soa, StringComparison.Ordinal);
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "cluster.local", "SOA")).Status);
        Assert.Contains("starting server with unsynced Kubernetes API", server.Log, StringComparison.Ordinal);
        Assert.Contains("only the first specified endpoint 'http://127.0.0.1:1' is used", server.Log, StringComparison.Ordinal);
    }
}

/// <summary>
/// <c>endpoint_pod_names</c> through the manifests source: the source keeps endpoints' targetRef names only when the
/// option asks for them, so both settings must still answer as CoreDNS does.
/// </summary>
public sealed class KubernetesEndpointPodNamesTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: data}
        spec:
          clusterIP: None
          ports: [{name: pg, port: 5432, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-x1
          namespace: data
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        ports: [{name: pg, port: 5432, protocol: TCP}]
        endpoints:
        - addresses: ["10.244.3.7"]
          conditions: {ready: true}
          targetRef: {kind: Pod, name: db-6d4f9-abcde, namespace: data}
        """;

    [Theory]
    [InlineData(true, "db-6d4f9-abcde")]
    [InlineData(false, "10-244-3-7")]
    public async Task Dig_HeadlessSrv_TargetNamedByPodOnlyWithOption(bool podNames, string label)
    {
        var dir = Directory.CreateTempSubdirectory("k8s-podnames-");
        try
        {
            var file = Path.Combine(dir.FullName, "cluster.yaml");
            await File.WriteAllTextAsync(file, Manifest);
            await using var server = await TestDnsServer.StartAsync($$"""
                cluster.local {
                    kubernetes {
                        manifests {{file}}
                        {{(podNames ? "endpoint_pod_names" : "")}}
                    }
                }
                """);
            var r = await Dig.RunAsync(server.Port, "_pg._tcp.db.data.svc.cluster.local", "SRV");
            Assert.Equal("NOERROR", r.Status);
            Assert.Equal([$"_pg._tcp.db.data.svc.cluster.local. 5 IN SRV 0 100 5432 {label}.db.data.svc.cluster.local."], r.Section("ANSWER"));
            Assert.Equal([$"{label}.db.data.svc.cluster.local. 5 IN A 10.244.3.7"], r.Section("ADDITIONAL"));
            var a = await Dig.RunAsync(server.Port, $"{label}.db.data.svc.cluster.local", "A");
            Assert.Equal(["10.244.3.7"], a.Section("ANSWER").Select(l => l.Split(' ')[^1]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
