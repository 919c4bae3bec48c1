using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server;
using Dns.Server.Hosting;
using k8s;
using k8s.Models;

namespace Dns.EndToEnd.Tests;

/// <summary>Offline checks of deploy/: every YAML document parses into a typed object with the fields a cluster relies on.</summary>
public sealed class DeployManifestTests
{
    private static readonly Lazy<List<object>> Objects = new(Load);

    [Fact]
    public void Manifests_EveryDocument_IsAKnownKubernetesKind()
    {
        Assert.NotEmpty(Objects.Value);
        Assert.All(Objects.Value, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service", "ServiceAccount"],
            Objects.Value.Select(o => ((IKubernetesObject)o).Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Rbac_ClusterRole_ListsAndWatchesWhatKubernetesPluginReads()
    {
        var role = Single<V1ClusterRole>();
        Assert.Equal("system:coredns", role.Metadata.Name);
        var core = role.Rules.Single(r => r.ApiGroups.SequenceEqual([""]));
        Assert.Equal(["endpoints", "namespaces", "pods", "services"], core.Resources.Order(StringComparer.Ordinal));
        Assert.Equal(["list", "watch"], core.Verbs.Order(StringComparer.Ordinal));
        var discovery = role.Rules.Single(r => r.ApiGroups.SequenceEqual(["discovery.k8s.io"]));
        Assert.Equal(["endpointslices"], discovery.Resources);
        Assert.Equal(["list", "watch"], discovery.Verbs.Order(StringComparer.Ordinal));

        var sa = Single<V1ServiceAccount>();
        Assert.Equal(("coredns", "kube-system"), (sa.Metadata.Name, sa.Metadata.NamespaceProperty));
        var binding = Single<V1ClusterRoleBinding>();
        Assert.Equal("system:coredns", binding.Metadata.Name);
        Assert.Equal(("ClusterRole", "system:coredns"), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "coredns", "kube-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Fact]
    public void Deployment_MatchesCoreDnsContract()
    {
        var d = Single<V1Deployment>();
        Assert.Equal(("coredns", "kube-system"), (d.Metadata.Name, d.Metadata.NamespaceProperty));
        Assert.Equal(2, d.Spec.Replicas);
        Assert.Equal(new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, d.Spec.Selector.MatchLabels);
        var pod = d.Spec.Template.Spec;
        Assert.Equal("kube-dns", d.Spec.Template.Metadata.Labels["k8s-app"]);
        Assert.Equal("system-cluster-critical", pod.PriorityClassName);
        Assert.Equal("coredns", pod.ServiceAccountName);
        Assert.Equal("Default", pod.DnsPolicy);
        Assert.Contains(pod.Tolerations, t => t.Key == "CriticalAddonsOnly" && t.OperatorProperty == "Exists");
        var anti = pod.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution.Single().PodAffinityTerm;
        Assert.Equal("kubernetes.io/hostname", anti.TopologyKey);
        Assert.Contains(anti.LabelSelector.MatchExpressions, e => e.Key == "k8s-app" && e.Values.Contains("kube-dns"));

        var c = Assert.Single(pod.Containers);
        Assert.Equal(["-conf", "/etc/coredns/Corefile"], c.Args);
        Assert.Equal("100m", c.Resources.Requests["cpu"].ToString());
        Assert.Equal("70Mi", c.Resources.Requests["memory"].ToString());
        Assert.Equal("170Mi", c.Resources.Limits["memory"].ToString());
        Assert.Equal(
            [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")],
            c.Ports.Select(p => (p.Name, p.ContainerPort, p.Protocol)));
        Assert.Equal(("/health", "8080"), (c.LivenessProbe.HttpGet.Path, c.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal((60, 5, 5), (c.LivenessProbe.InitialDelaySeconds, c.LivenessProbe.TimeoutSeconds, c.LivenessProbe.FailureThreshold));
        Assert.Equal(("/ready", "8181"), (c.ReadinessProbe.HttpGet.Path, c.ReadinessProbe.HttpGet.Port.Value));
        Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["NET_BIND_SERVICE"], c.SecurityContext.Capabilities.Add);
        Assert.Contains(c.SecurityContext.Capabilities.Drop, x => string.Equals(x, "ALL", StringComparison.OrdinalIgnoreCase));
        var mount = c.VolumeMounts.Single(m => m.MountPath == "/etc/coredns");
        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal("coredns", pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
    }

    [Fact]
    public void Service_KubeDnsPortsAndScrapeAnnotations()
    {
        var s = Single<V1Service>();
        Assert.Equal(("kube-dns", "kube-system"), (s.Metadata.Name, s.Metadata.NamespaceProperty));
        Assert.Equal("kube-dns", s.Spec.Selector["k8s-app"]);
        Assert.Equal(
            [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")],
            s.Spec.Ports.Select(p => (p.Name, p.Port, p.Protocol)));
        Assert.Equal("true", s.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal("9153", s.Metadata.Annotations["prometheus.io/port"]);
        var d = Single<V1Deployment>();
        Assert.All(s.Spec.Selector, kv => Assert.Equal(kv.Value, d.Spec.Template.Metadata.Labels[kv.Key]));
    }

    [Fact]
    public void ConfigMap_Corefile_ParsesAndSetsUpWithOurPlugins()
    {
        var cm = Single<V1ConfigMap>();
        Assert.Equal(("coredns", "kube-system"), (cm.Metadata.Name, cm.Metadata.NamespaceProperty));
        var corefile = cm.Data["Corefile"];
        var blocks = CorefileParser.Parse(corefile, "Corefile", d => PluginOrder.IndexOf(d) >= 0);
        var block = Assert.Single(blocks);
        Assert.Equal(".", block.Addresses[0].Zone);
        Assert.Equal(53, block.Addresses[0].Port);
        foreach (var d in new[] { "errors", "health", "ready", "kubernetes", "prometheus", "forward", "cache", "loop", "reload", "loadbalance" })
        {
            Assert.True(block.Has(d), d);
        }

        // Directives whose plugin is not in this build yet get a no-op setup; ours must accept the kubeadm syntax.
        var registry = BuiltinPlugins.Create();
        foreach (var d in block.Directives.Select(x => x.Name).Distinct())
        {
            if (!registry.Contains(d))
            {
                registry.Register(new NoOpSetup(d));
            }
        }
        var host = DnsServerHost.Create(corefile, "Corefile", new DnsServerOptions { Registry = registry, Metrics = new Dns.Core.Metrics.MetricsRegistry() });
        Assert.Contains(host.Instance.StartupHooks, _ => true);
    }

    private static T Single<T>() => Assert.Single(Objects.Value.OfType<T>());

    private static List<object> Load()
    {
        var dir = FindDeployDirectory();
        var all = new List<object>();
        foreach (var file in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
        {
            all.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(file)));
        }
        return all;
    }

    private static string FindDeployDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy");
            if (File.Exists(Path.Combine(dir.FullName, "Dns.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("deploy/ not found above " + AppContext.BaseDirectory);
    }

    private sealed class NoOpSetup(string name) : IPluginSetup
    {
        public string Name { get; } = name;

        public void Setup(SetupContext context)
        {
            var d = context.Dispenser;
            while (d.Next())
            {
                d.RemainingArgs();
                while (d.NextBlock())
                {
                    d.RemainingArgs();
                }
            }
        }
    }
}
