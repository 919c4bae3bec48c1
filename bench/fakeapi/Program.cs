using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;

// Usage: FakeApi <manifest> [--tls DIR] : loads it, serves it on a free loopback port, prints "url URL", and serves
// until standard input closes. With --tls it serves HTTPS as an API server in a cluster does: DIR receives ca.crt
// (the cluster CA), client.crt and client.key (a client certificate it issued), for the Corefile's
// "tls DIR/client.crt DIR/client.key DIR/ca.crt".
var content = ManifestLoader.Load(args[0]);
var tlsDir = args.Length > 2 && args[1] == "--tls" ? args[2] : null;
FakeKubeApiServer api;
if (tlsDir is null)
{
    api = await FakeKubeApiServer.StartAsync();
}
else
{
    using var ca = TestCertificates.CreateCa("CN=bench-cluster-ca");
    var server = TestCertificates.Issue(ca, "CN=kube-apiserver", server: true);
    using var client = TestCertificates.Issue(ca, "CN=system:coredns", server: false);
    Directory.CreateDirectory(tlsDir);
    File.WriteAllText(Path.Combine(tlsDir, "ca.crt"), ca.ExportCertificatePem());
    File.WriteAllText(Path.Combine(tlsDir, "client.crt"), client.ExportCertificatePem());
    using var key = client.GetRSAPrivateKey() ?? throw new CryptographicException("client key missing");
    File.WriteAllText(Path.Combine(tlsDir, "client.key"), key.ExportPkcs8PrivateKeyPem());
    api = await FakeKubeApiServer.StartTlsAsync(server);
}
await using (api)
{
    foreach (var n in content.Namespaces)
    {
        api.Add(n);
    }
    foreach (var s in content.Services)
    {
        api.Add(s);
    }
    foreach (var s in content.EndpointSlices)
    {
        api.Add(s);
    }
    foreach (var p in content.Pods)
    {
        api.Add(p);
    }
    Console.WriteLine("url " + api.Url);
    Console.Out.Flush();
    await Console.In.ReadToEndAsync();
}
