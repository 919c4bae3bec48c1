using System.Globalization;
using System.Text.RegularExpressions;
using Dns.Core.Metrics;
using Dns.Server.Hosting;
using Dns.Testing;
using Dns.Testing.FakeKubeApi;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Dns.EndToEnd.Tests;

/// <summary>
/// The Corefile shipped in deploy/coredns.yaml (kubeadm's), run for real: a fake API server behind
/// <c>kubernetes</c>, a local upstream behind <c>forward</c>, probes and metrics over HTTP, dig for queries.
/// Only addresses are rewritten (ephemeral ports, the test upstream, the API endpoint).
/// </summary>
public sealed class DeployKubeadmEndToEndTests
{
    [Fact]
    public async Task KubeadmCorefile_FakeCluster_ReadyAndAnswersClusterAndExternalNames()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = "default" } });
        api.Add(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "kubernetes", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { ClusterIP = "10.96.0.1", ClusterIPs = ["10.96.0.1"], Ports = [new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP" }] },
        });
        await using var upstream = await TestDnsServer.StartAsync(".:0 {\n    hosts {\n        192.0.2.10 www.example.com\n    }\n}\n");

        var corefile = Rewrite(KubeadmCorefile(), api.Url, upstream.Port);
        var exits = new List<int>();
        var metrics = new MetricsRegistry();
        var log = new StringWriter();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new CoreDnsLoggerProvider(TextWriter.Synchronized(log), LogLevel.Debug)));
        await using var host = DnsServerHost.Create(corefile, "Corefile", new DnsServerOptions
        {
            DefaultPort = 0,
            UdpWorkers = 1,
            Metrics = metrics,
            LoggerFactory = factory,
            FatalExit = exits.Add,
        });
        await host.StartAsync();
        var http = host.HttpPorts["127.0.0.1:0"];

        Assert.Equal((200, "OK"), await HealthProcessRunner.GetAsync(http, "/health"));
        // An API server that answers at once: the kubernetes plugin syncs during start-up (CoreDNS waits up to 5 s for
        // it), so /ready is OK right away; a failing API server is covered by the ready tests (503 "kubernetes").
        
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await HealthProcessRunner.GetAsync(http, "/ready")).Status != 200)
        {
            Assert.True(DateTime.UtcNow < deadline, "never ready:\n" + log);
            await Task.Delay(100);
        }

        var svc = await Dig.RunAsync(host.Port, "kubernetes.default.svc.cluster.local", "A");
        Assert.Equal("NOERROR", svc.Status);
        Assert.Contains("kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1", svc.Section("ANSWER"));
        Assert.Equal("NXDOMAIN", (await Dig.RunAsync(host.Port, "+tcp", "nope.default.svc.cluster.local", "A")).Status);
        var external = await Dig.RunAsync(host.Port, "www.example.com", "A");
        Assert.Equal("NOERROR", external.Status);
        Assert.Contains(external.Section("ANSWER"), l => l.StartsWith("www.example.com.", StringComparison.Ordinal) && l.EndsWith("IN A 192.0.2.10", StringComparison.Ordinal));

        var (_, scrape) = await HealthProcessRunner.GetAsync(http, "/metrics");
        Assert.True(Value(scrape, "coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:0\",type=\"A\",view=\"\",zone=\".\"}") >= 2, scrape);
        Assert.True(Value(scrape, "coredns_dns_responses_total{plugin=\"kubernetes\",rcode=\"NOERROR\",server=\"dns://:0\",view=\"\",zone=\".\"}") >= 1, scrape);
        Assert.True(Value(scrape, "coredns_dns_responses_total{plugin=\"forward\",rcode=\"NOERROR\",server=\"dns://:0\",view=\"\",zone=\".\"}") >= 1, scrape);
        foreach (var plugin in new[] { "errors", "prometheus", "loadbalance", "cache", "kubernetes", "loop", "forward" })
        {
            Assert.Contains($"coredns_plugin_enabled{{name=\"{plugin}\",server=\"dns://:0\",view=\"\",zone=\".\"}} 1", scrape, StringComparison.Ordinal);
        }
        Assert.Contains("[INFO] plugin/reload: Running configuration SHA512 = ", log.ToString(), StringComparison.Ordinal);
        Assert.Empty(exits);
    }

    private static string KubeadmCorefile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "deploy", "coredns.yaml");
            if (File.Exists(file))
            {
                return KubernetesYaml.LoadAllFromString(File.ReadAllText(file)).OfType<V1ConfigMap>().Single().Data["Corefile"];
            }
        }
        throw new FileNotFoundException("deploy/coredns.yaml");
    }

    private static string Rewrite(string corefile, string apiUrl, int upstreamPort)
    {
        string Replace(string text, string from, string to)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            return text.Replace(from, to, StringComparison.Ordinal);
        }

        corefile = Replace(corefile, ".:53 {", ".:0 {");
        corefile = Replace(corefile, "health {", "health 127.0.0.1:0 {");
        corefile = Regex.Replace(corefile, @"^(\s*)ready\s*$", "$1ready 127.0.0.1:0", RegexOptions.Multiline);
        corefile = Replace(corefile, "prometheus :9153", "prometheus 127.0.0.1:0");
        corefile = Replace(corefile, "forward . /etc/resolv.conf {", "forward . 127.0.0.1:" + upstreamPort.ToString(CultureInfo.InvariantCulture) + " {");
        corefile = Replace(corefile, "pods insecure", "pods insecure\n       endpoint " + apiUrl);
        corefile = Replace(corefile, "lameduck 5s", "lameduck 0s");
        return corefile;
    }

    private static double Value(string exposition, string series)
    {
        var m = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
