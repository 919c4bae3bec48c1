using Dns.EnvInjector.Rules;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.EnvInjector.Tests;

/// <summary>Mirrors kubelet's envvars_test.go (TestFromServices) and the service cases of TestMakeEnvironmentVariables.</summary>
public sealed class EnvVarRulesTests
{
    private static readonly string[] Master8081 =
    [
        "KUBERNETES_PORT=tcp://1.2.3.1:8081",
        "KUBERNETES_PORT_8081_TCP=tcp://1.2.3.1:8081",
        "KUBERNETES_PORT_8081_TCP_ADDR=1.2.3.1",
        "KUBERNETES_PORT_8081_TCP_PORT=8081",
        "KUBERNETES_PORT_8081_TCP_PROTO=tcp",
        "KUBERNETES_SERVICE_HOST=1.2.3.1",
        "KUBERNETES_SERVICE_PORT=8081",
    ];

    [Fact]
    public void FromServices_KubeletTable_MatchesInOrder()
    {
        ServiceInfo[] services =
        [
            Svc.Build("foo-bar", "", "1.2.3.4", ("", 8080, "TCP")),
            Svc.Build("abc-123", "", "5.6.7.8", ("u-d-p", 8081, "UDP"), ("t-c-p", 8081, "TCP")),
            Svc.Build("q-u-u-x", "", "9.8.7.6", ("", 8082, "TCP"), ("8083", 8083, "TCP")),
            Svc.Build("svrc-clusterip-none", "", "None", ("", 8082, "TCP")),
            Svc.Build("svrc-clusterip-empty", "", "", ("", 8082, "TCP")),
            Svc.Build("super-ipv6", "", "2001:DB8::", ("u-d-p", 8084, "UDP"), ("t-c-p", 8084, "TCP")),
            Svc.Build("sctp-1", "", "1.2.3.4", ("", 777, "SCTP")),
        ];
        string[] expected =
        [
            "FOO_BAR_SERVICE_HOST=1.2.3.4",
            "FOO_BAR_SERVICE_PORT=8080",
            "FOO_BAR_PORT=tcp://1.2.3.4:8080",
            "FOO_BAR_PORT_8080_TCP=tcp://1.2.3.4:8080",
            "FOO_BAR_PORT_8080_TCP_PROTO=tcp",
            "FOO_BAR_PORT_8080_TCP_PORT=8080",
            "FOO_BAR_PORT_8080_TCP_ADDR=1.2.3.4",
            "ABC_123_SERVICE_HOST=5.6.7.8",
            "ABC_123_SERVICE_PORT=8081",
            "ABC_123_SERVICE_PORT_U_D_P=8081",
            "ABC_123_SERVICE_PORT_T_C_P=8081",
            "ABC_123_PORT=udp://5.6.7.8:8081",
            "ABC_123_PORT_8081_UDP=udp://5.6.7.8:8081",
            "ABC_123_PORT_8081_UDP_PROTO=udp",
            "ABC_123_PORT_8081_UDP_PORT=8081",
            "ABC_123_PORT_8081_UDP_ADDR=5.6.7.8",
            "ABC_123_PORT_8081_TCP=tcp://5.6.7.8:8081",
            "ABC_123_PORT_8081_TCP_PROTO=tcp",
            "ABC_123_PORT_8081_TCP_PORT=8081",
            "ABC_123_PORT_8081_TCP_ADDR=5.6.7.8",
            "Q_U_U_X_SERVICE_HOST=9.8.7.6",
            "Q_U_U_X_SERVICE_PORT=8082",
            "Q_U_U_X_SERVICE_PORT_8083=8083",
            "Q_U_U_X_PORT=tcp://9.8.7.6:8082",
            "Q_U_U_X_PORT_8082_TCP=tcp://9.8.7.6:8082",
            "Q_U_U_X_PORT_8082_TCP_PROTO=tcp",
            "Q_U_U_X_PORT_8082_TCP_PORT=8082",
            "Q_U_U_X_PORT_8082_TCP_ADDR=9.8.7.6",
            "Q_U_U_X_PORT_8083_TCP=tcp://9.8.7.6:8083",
            "Q_U_U_X_PORT_8083_TCP_PROTO=tcp",
            "Q_U_U_X_PORT_8083_TCP_PORT=8083",
            "Q_U_U_X_PORT_8083_TCP_ADDR=9.8.7.6",
            "SUPER_IPV6_SERVICE_HOST=2001:DB8::",
            "SUPER_IPV6_SERVICE_PORT=8084",
            "SUPER_IPV6_SERVICE_PORT_U_D_P=8084",
            "SUPER_IPV6_SERVICE_PORT_T_C_P=8084",
            "SUPER_IPV6_PORT=udp://[2001:DB8::]:8084",
            "SUPER_IPV6_PORT_8084_UDP=udp://[2001:DB8::]:8084",
            "SUPER_IPV6_PORT_8084_UDP_PROTO=udp",
            "SUPER_IPV6_PORT_8084_UDP_PORT=8084",
            "SUPER_IPV6_PORT_8084_UDP_ADDR=2001:DB8::",
            "SUPER_IPV6_PORT_8084_TCP=tcp://[2001:DB8::]:8084",
            "SUPER_IPV6_PORT_8084_TCP_PROTO=tcp",
            "SUPER_IPV6_PORT_8084_TCP_PORT=8084",
            "SUPER_IPV6_PORT_8084_TCP_ADDR=2001:DB8::",
            "SCTP_1_SERVICE_HOST=1.2.3.4",
            "SCTP_1_SERVICE_PORT=777",
            "SCTP_1_PORT=sctp://1.2.3.4:777",
            "SCTP_1_PORT_777_SCTP=sctp://1.2.3.4:777",
            "SCTP_1_PORT_777_SCTP_PROTO=sctp",
            "SCTP_1_PORT_777_SCTP_PORT=777",
            "SCTP_1_PORT_777_SCTP_ADDR=1.2.3.4",
        ];

        var actual = EnvVarRules.FromServices(services).Select(v => v.Name + "=" + v.Value).ToArray();

        Assert.Equal(expected, actual);
    }

    /// <summary>The services of TestMakeEnvironmentVariables (buildService calls), in the same order.</summary>
    private static ServiceInfo[] KubeletServices() =>
    [
        Svc.One("kubernetes", "default", "1.2.3.1", "TCP", 8081),
        Svc.One("test", "test1", "1.2.3.3", "TCP", 8083),
        Svc.One("kubernetes", "test2", "1.2.3.4", "TCP", 8084),
        Svc.One("test", "test2", "1.2.3.5", "TCP", 8085),
        Svc.One("test", "test2", "None", "TCP", 8085),
        Svc.One("test", "test2", "", "TCP", 8085),
        Svc.One("not-special", "default", "1.2.3.8", "TCP", 8088),
        Svc.One("not-special", "default", "None", "TCP", 8088),
        Svc.One("not-special", "default", "", "TCP", 8088),
    ];

    public static TheoryData<string, string, bool, string[]> MakeEnvironmentVariablesCases() => new()
    {
        {
            "api server = N; kubelet = Y", "test1", false, Master8081
        },
        {
            "api server = N; kubelet = Y; service env vars", "test1", true,
            [
                .. Master8081,
                "TEST_PORT=tcp://1.2.3.3:8083",
                "TEST_PORT_8083_TCP=tcp://1.2.3.3:8083",
                "TEST_PORT_8083_TCP_ADDR=1.2.3.3",
                "TEST_PORT_8083_TCP_PORT=8083",
                "TEST_PORT_8083_TCP_PROTO=tcp",
                "TEST_SERVICE_HOST=1.2.3.3",
                "TEST_SERVICE_PORT=8083",
            ]
        },
        {
            "master service in pod ns", "test2", false, Master8081
        },
        {
            "master service in pod ns, service env vars", "test2", true,
            [
                "KUBERNETES_PORT=tcp://1.2.3.4:8084",
                "KUBERNETES_PORT_8084_TCP=tcp://1.2.3.4:8084",
                "KUBERNETES_PORT_8084_TCP_ADDR=1.2.3.4",
                "KUBERNETES_PORT_8084_TCP_PORT=8084",
                "KUBERNETES_PORT_8084_TCP_PROTO=tcp",
                "KUBERNETES_SERVICE_HOST=1.2.3.4",
                "KUBERNETES_SERVICE_PORT=8084",
                "TEST_PORT=tcp://1.2.3.5:8085",
                "TEST_PORT_8085_TCP=tcp://1.2.3.5:8085",
                "TEST_PORT_8085_TCP_ADDR=1.2.3.5",
                "TEST_PORT_8085_TCP_PORT=8085",
                "TEST_PORT_8085_TCP_PROTO=tcp",
                "TEST_SERVICE_HOST=1.2.3.5",
                "TEST_SERVICE_PORT=8085",
            ]
        },
        {
            "pod in master service ns", "default", false, Master8081
        },
        {
            "pod in master service ns, service env vars", "default", true,
            [
                .. Master8081,
                "NOT_SPECIAL_PORT=tcp://1.2.3.8:8088",
                "NOT_SPECIAL_PORT_8088_TCP=tcp://1.2.3.8:8088",
                "NOT_SPECIAL_PORT_8088_TCP_ADDR=1.2.3.8",
                "NOT_SPECIAL_PORT_8088_TCP_PORT=8088",
                "NOT_SPECIAL_PORT_8088_TCP_PROTO=tcp",
                "NOT_SPECIAL_SERVICE_HOST=1.2.3.8",
                "NOT_SPECIAL_SERVICE_PORT=8088",
            ]
        },
        {
            "namespace without services", "nowhere", true, Master8081
        },
    };

    [Theory]
    [MemberData(nameof(MakeEnvironmentVariablesCases))]
    public void ForPod_KubeletCase_GivesSortedVariables(string name, string ns, bool links, string[] expected)
    {
        Assert.NotEmpty(name);
        var actual = EnvVarRules.ForPod(KubeletServices(), ns, links).Select(v => v.Name + "=" + v.Value).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal).ToArray(), actual);
    }

    [Theory]
    [MemberData(nameof(MakeEnvironmentVariablesCases))]
    public void ForPod_AnyInputOrder_GivesSameResult(string name, string ns, bool links, string[] expected)
    {
        Assert.NotEmpty(name);
        var sorted = expected.Order(StringComparer.Ordinal).ToArray();
        // The kubelet lists services from an informer cache in no particular order; the result must not depend on it.
        var services = KubeletServices();
        for (var seed = 0; seed < 20; seed++)
        {
            var shuffled = services.OrderBy(_ => Random.Shared.Next()).ToArray();
            var actual = EnvVarRules.ForPod(shuffled, ns, links).Select(v => v.Name + "=" + v.Value).ToArray();
            Assert.Equal(sorted, actual);
        }
    }

    [Fact]
    public void ForPod_NoMasterService_GivesOnlyNamespaceServices()
    {
        var vars = EnvVarRules.ForPod([Svc.One("web", "app", "10.0.0.5", "TCP", 80)], "app", enableServiceLinks: false);

        Assert.Empty(vars);
    }

    [Fact]
    public void ForPod_MasterServiceHeadless_IsSkipped()
    {
        var vars = EnvVarRules.ForPod([Svc.One("kubernetes", "default", "None", "TCP", 443)], "app", enableServiceLinks: true);

        Assert.Empty(vars);
    }

    [Fact]
    public void ForPod_OtherNamespaces_AreIgnored()
    {
        ServiceInfo[] services = [Svc.One("web", "other", "10.0.0.5", "TCP", 80), Svc.One("kubernetes", "other", "10.0.0.6", "TCP", 443)];

        Assert.Empty(EnvVarRules.ForPod(services, "app", enableServiceLinks: true));
    }

    public static TheoryData<string, string, string, bool> IncludedCases() => new()
    {
        // name, type, clusterIP -> included
        { "ClusterIP", "ClusterIP", "10.0.0.1", true },
        { "NodePort keeps its cluster IP", "NodePort", "10.0.0.2", true },
        { "LoadBalancer keeps its cluster IP", "LoadBalancer", "10.0.0.3", true },
        { "headless", "ClusterIP", "None", false },
        { "ExternalName has no cluster IP", "ExternalName", "", false },
        { "no type check: ExternalName with a cluster IP", "ExternalName", "10.0.0.4", true },
    };

    [Theory]
    [MemberData(nameof(IncludedCases))]
    public void IsServiceIPSet_Types_OnlyClusterIPMatters(string name, string type, string clusterIP, bool included)
    {
        Assert.NotEmpty(name);
        var service = new ServiceInfo { Name = "s", Namespace = "ns", Type = type, ClusterIP = clusterIP, Ports = [new("", 80, "TCP")] };

        Assert.Equal(included, EnvVarRules.IsServiceIPSet(service));
        Assert.Equal(included, EnvVarRules.ForPod([service], "ns", true).Count > 0);
    }

    [Fact]
    public void FromServices_SecondaryClusterIPs_AreIgnored()
    {
        var dual = new ServiceInfo
        {
            Name = "dual",
            Namespace = "ns",
            ClusterIP = "10.0.0.9",
            ClusterIPs = ["10.0.0.9", "fd00::9"],
            Ports = [new("", 80, "TCP")],
        };
        var onlySecondary = new ServiceInfo { Name = "odd", Namespace = "ns", ClusterIP = "", ClusterIPs = ["fd00::1"], Ports = [new("", 80, "TCP")] };

        var vars = EnvVarRules.FromServices([dual, onlySecondary]);

        Assert.DoesNotContain(vars, v => v.Value.Contains("fd00", StringComparison.Ordinal));
        Assert.DoesNotContain(vars, v => v.Name.StartsWith("ODD", StringComparison.Ordinal));
        Assert.Contains(new EnvVar("DUAL_SERVICE_HOST", "10.0.0.9"), vars);
    }

    [Fact]
    public void FromServices_EmptyProtocol_DefaultsToTcp()
    {
        var vars = EnvVarRules.FromServices([Svc.Build("dns", "ns", "10.0.0.10", ("", 53, ""))]);

        Assert.Contains(new EnvVar("DNS_PORT", "tcp://10.0.0.10:53"), vars);
        Assert.Contains(new EnvVar("DNS_PORT_53_TCP_PROTO", "tcp"), vars);
    }

    [Fact]
    public void FromServices_FirstPortNamed_WinsServicePort()
    {
        var vars = EnvVarRules.FromServices([Svc.Build("kube-dns", "kube-system", "10.96.0.10", ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP"))]);
        var map = vars.ToDictionary(v => v.Name, v => v.Value);

        Assert.Equal("53", map["KUBE_DNS_SERVICE_PORT"]);
        Assert.Equal("53", map["KUBE_DNS_SERVICE_PORT_DNS"]);
        Assert.Equal("53", map["KUBE_DNS_SERVICE_PORT_DNS_TCP"]);
        Assert.Equal("9153", map["KUBE_DNS_SERVICE_PORT_METRICS"]);
        Assert.Equal("udp://10.96.0.10:53", map["KUBE_DNS_PORT"]);
        Assert.Equal("tcp://10.96.0.10:9153", map["KUBE_DNS_PORT_9153_TCP"]);
        Assert.Equal(vars.Count, map.Count);
    }

    [Fact]
    public void FromServices_NoPorts_GivesHostOnly()
    {
        var vars = EnvVarRules.FromServices([Svc.Build("bare", "ns", "10.0.0.11")]);

        Assert.Equal([new EnvVar("BARE_SERVICE_HOST", "10.0.0.11")], vars);
    }

    [Theory]
    [InlineData("foo-bar", "FOO_BAR")]
    [InlineData("abc-123", "ABC_123")]
    [InlineData("u-d-p", "U_D_P")]
    [InlineData("8083", "8083")]
    [InlineData("kubernetes", "KUBERNETES")]
    [InlineData("a.b", "A.B")]
    [InlineData("1st", "1ST")]
    public void MakeEnvVariableName_Names_UpperCaseDashToUnderscoreOnly(string name, string expected) =>
        Assert.Equal(expected, EnvVarRules.MakeEnvVariableName(name));

    [Theory]
    [InlineData("1.2.3.4", 80, "1.2.3.4:80")]
    [InlineData("2001:DB8::", 8084, "[2001:DB8::]:8084")]
    [InlineData("fd00::1", 443, "[fd00::1]:443")]
    [InlineData("10.96.0.1", 443, "10.96.0.1:443")]
    public void JoinHostPort_Hosts_BracketsIPv6(string host, int port, string expected) =>
        Assert.Equal(expected, EnvVarRules.JoinHostPort(host, port));

    [Fact]
    public void ForPod_Result_IsSortedOrdinal()
    {
        ServiceInfo[] services =
        [
            Svc.One("zeta", "ns", "10.0.0.1", "TCP", 1),
            Svc.One("alpha", "ns", "10.0.0.2", "UDP", 2),
            Svc.One("kubernetes", "default", "10.96.0.1", "TCP", 443),
        ];

        var names = EnvVarRules.ForPod(services, "ns", true).Select(v => v.Name).ToArray();

        Assert.Equal(names.Order(StringComparer.Ordinal).ToArray(), names);
        Assert.Equal("ALPHA_PORT", names[0]);
    }
}
