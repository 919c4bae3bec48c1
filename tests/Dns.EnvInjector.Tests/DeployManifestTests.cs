using Dns.EnvInjector.Cli;
using k8s;
using k8s.Models;

namespace Dns.EnvInjector.Tests;

/// <summary>The sample deployment in deploy/envinjector/ is consistent: names, ports, paths, arguments, RBAC.</summary>
public sealed class DeployManifestTests
{
    private static readonly string DeployDir = Path.Combine(RepoRoot.Path, "deploy", "envinjector");

    private static List<object> LoadAll()
    {
        var types = new Dictionary<string, Type>
        {
            ["v1/Namespace"] = typeof(V1Namespace),
            ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
            ["v1/Service"] = typeof(V1Service),
            ["apps/v1/Deployment"] = typeof(V1Deployment),
            ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
            ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
            ["admissionregistration.k8s.io/v1/MutatingWebhookConfiguration"] = typeof(V1MutatingWebhookConfiguration),
            ["cert-manager.io/v1/Issuer"] = typeof(CertManagerObject),
            ["cert-manager.io/v1/Certificate"] = typeof(CertManagerObject),
        };
        var objects = new List<object>();
        foreach (var file in Directory.GetFiles(DeployDir, "*.yaml").Order(StringComparer.Ordinal))
        {
            objects.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(file), types.ToDictionary(kv => kv.Key, kv => kv.Value)));
        }
        return objects;
    }

    [Fact]
    public void Deploy_Objects_AreConsistent()
    {
        var all = LoadAll();
        var deployment = Assert.Single(all.OfType<V1Deployment>());
        var service = Assert.Single(all.OfType<V1Service>());
        var webhookConfig = Assert.Single(all.OfType<V1MutatingWebhookConfiguration>());
        var role = Assert.Single(all.OfType<V1ClusterRole>());
        var binding = Assert.Single(all.OfType<V1ClusterRoleBinding>());
        var account = Assert.Single(all.OfType<V1ServiceAccount>());

        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var options = CliParser.Parse([.. container.Args]);
        Assert.Equal("webhook", options.Command);
        Assert.Equal(8443, Webhook.ListenAddress.Parse(options.Listen).Port);
        Assert.Equal(8443, container.Ports.Single(p => p.Name == "https").ContainerPort);
        var tlsMount = container.VolumeMounts.Single(m => m.Name == "tls");
        Assert.StartsWith(tlsMount.MountPath + "/", options.TlsCert, StringComparison.Ordinal);
        Assert.StartsWith(tlsMount.MountPath + "/", options.TlsKey, StringComparison.Ordinal);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);

        Assert.Equal(deployment.Spec.Template.Metadata.Labels, service.Spec.Selector);
        Assert.Equal(deployment.Metadata.NamespaceProperty, service.Metadata.NamespaceProperty);
        Assert.Equal(account.Metadata.Name, deployment.Spec.Template.Spec.ServiceAccountName);

        var hook = Assert.Single(webhookConfig.Webhooks);
        Assert.Equal("/mutate", hook.ClientConfig.Service.Path);
        Assert.Equal(service.Metadata.Name, hook.ClientConfig.Service.Name);
        Assert.Equal(service.Metadata.NamespaceProperty, hook.ClientConfig.Service.NamespaceProperty);
        Assert.Equal(service.Spec.Ports.Single().Port, hook.ClientConfig.Service.Port);
        Assert.Equal("Ignore", hook.FailurePolicy);
        Assert.Equal("None", hook.SideEffects);
        Assert.Contains("v1", hook.AdmissionReviewVersions);
        Assert.Equal(["CREATE"], hook.Rules.Single().Operations);
        Assert.Equal(["pods"], hook.Rules.Single().Resources);
        // The webhook's own namespace is excluded, so it can always start.
        Assert.Contains(deployment.Metadata.NamespaceProperty, hook.NamespaceSelector.MatchExpressions.Single(e => e.OperatorProperty == "NotIn").Values);

        var certificate = all.OfType<CertManagerObject>().Single(o => o.Kind == "Certificate");
        var secretName = (string)certificate.Spec["secretName"];
        Assert.Equal(secretName, deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "tls").Secret.SecretName);
        Assert.Equal(certificate.Metadata.NamespaceProperty + "/" + certificate.Metadata.Name, webhookConfig.Metadata.Annotations["cert-manager.io/inject-ca-from"]);
        var dnsNames = ((List<object>)certificate.Spec["dnsNames"]).Cast<string>();
        Assert.Contains(service.Metadata.Name + "." + service.Metadata.NamespaceProperty + ".svc", dnsNames);

        var rule = Assert.Single(role.Rules);
        Assert.Equal(["services", "namespaces"], rule.Resources);
        Assert.Equal(["list", "watch"], rule.Verbs);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(account.Metadata.Name, binding.Subjects.Single().Name);
    }

    /// <summary>A cert-manager object, read loosely (no typed model in KubernetesClient).</summary>
    public sealed class CertManagerObject : IKubernetesObject<V1ObjectMeta>
    {
        public string ApiVersion { get; set; } = "";

        public string Kind { get; set; } = "";

        public V1ObjectMeta Metadata { get; set; } = new();

        public Dictionary<string, object> Spec { get; set; } = [];
    }
}
