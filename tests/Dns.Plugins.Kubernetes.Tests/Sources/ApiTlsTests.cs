using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// The API source over HTTPS, as in a cluster: the server certificate checked against the configured CA (the
/// <c>tls</c> option's CACERT, a kubeconfig's certificate-authority-data) or not at all with
/// insecure-skip-tls-verify, and the client certificate presented.
/// </summary>
public sealed class ApiTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dns-tls-").FullName;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;
    private readonly X509Certificate2 _client;

    public ApiTlsTests()
    {
        _ca = TestCertificates.CreateCa("CN=test-cluster-ca");
        _server = TestCertificates.Issue(_ca, "CN=kube-apiserver", server: true);
        _client = TestCertificates.Issue(_ca, "CN=system:coredns", server: false);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _ca.Dispose();
        _server.Dispose();
        _client.Dispose();
    }

    [Fact]
    public async Task TlsOption_ServerCheckedAgainstCa_ClientCertificatePresented()
    {
        await using var api = await FakeKubeApiServer.StartTlsAsync(_server, requireClientCertificate: true);
        api.Add(Service("demo", "a", "10.96.0.1"));
        var snap = await ApiServerSource.ListOnceAsync(new ApiSourceOptions
        {
            Endpoint = api.Url,
            TlsCert = WritePem("client.crt", _client.ExportCertificatePem()),
            TlsKey = WritePem("client.key", _client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()),
            TlsCa = WritePem("ca.crt", _ca.ExportCertificatePem()),
        });
        Assert.StartsWith("https://", api.Url, StringComparison.Ordinal);
        Assert.Equal("10.96.0.1", snap.GetService("demo", "a")!.ClusterIP);
        Assert.Equal("CN=system:coredns", api.LastClientCertificateSubject);
    }

    [Fact]
    public async Task ServerCertificateFromAnotherCa_Refused()
    {
        using var otherCa = TestCertificates.CreateCa("CN=someone-else");
        await using var api = await FakeKubeApiServer.StartTlsAsync(_server);
        api.Add(Service("demo", "a", "10.96.0.1"));
        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => ApiServerSource.ListOnceAsync(new ApiSourceOptions
        {
            Endpoint = api.Url,
            TlsCa = WritePem("other-ca.crt", otherCa.ExportCertificatePem()),
        }));
        Assert.Equal(0, api.ListCount("services"));
    }

    [Fact]
    public async Task Kubeconfig_CertificateAuthorityAndClientCertificateData()
    {
        await using var api = await FakeKubeApiServer.StartTlsAsync(_server, requireClientCertificate: true);
        api.Add(Service("demo", "a", "10.96.0.1"));
        var file = Kubeconfig(
            "kubeconfig",
            $"{{server: \"{api.Url}\", certificate-authority-data: {Base64(_ca.ExportCertificatePem())}}}",
            $"{{client-certificate-data: {Base64(_client.ExportCertificatePem())}, client-key-data: {Base64(_client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem())}}}");
        var snap = await ApiServerSource.ListOnceAsync(new ApiSourceOptions { Kubeconfig = file });
        Assert.NotNull(snap.GetService("demo", "a"));
        Assert.Equal("CN=system:coredns", api.LastClientCertificateSubject);
    }

    [Fact]
    public async Task Kubeconfig_InsecureSkipTlsVerify_AcceptsAnyServerCertificate()
    {
        await using var api = await FakeKubeApiServer.StartTlsAsync(_server);
        api.Add(Service("demo", "a", "10.96.0.1"));
        var file = Kubeconfig("kubeconfig-insecure", $"{{server: \"{api.Url}\", insecure-skip-tls-verify: true}}", "{token: t0k3n}");
        var snap = await ApiServerSource.ListOnceAsync(new ApiSourceOptions { Kubeconfig = file });
        Assert.NotNull(snap.GetService("demo", "a"));
        Assert.Equal("Bearer t0k3n", api.LastAuthorization);
        Assert.Null(api.LastClientCertificateSubject);
    }

    [Fact]
    public async Task HttpsProxy_ConnectTunnel_TlsToTheApiServerThroughIt()
    {
        // HTTPS_PROXY as client-go reads it: CONNECT to the API server's name, then TLS end to end through the tunnel
        // (the proxy sees only ciphertext); the name is one only the proxy can reach.
        await using var api = await FakeKubeApiServer.StartTlsAsync(_server);
        api.Add(Service("demo", "a", "10.96.0.1"));
        var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        try
        {
            var connectLine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var relay = RelayAsync(proxy, api.Port, connectLine);
            var proxyUrl = "http://127.0.0.1:" + ((IPEndPoint)proxy.LocalEndpoint).Port;
            using var client = new KubeApiClient(
                new ApiConnection { Host = "https://kube.internal:6443", CaCerts = [_ca], TlsServerName = "localhost" },
                name => name == "HTTPS_PROXY" ? proxyUrl : null);
            var page = await client.ListAsync(ApiKinds.Services(), null, null, 10, CancellationToken.None);
            Assert.Equal("a", Assert.Single(page.Items!).Name);
            Assert.Equal("CONNECT kube.internal:6443 HTTP/1.1", await connectLine.Task);
            Assert.Equal(1, api.ListCount("services"));
        }
        finally
        {
            proxy.Stop();
        }
    }

    /// <summary>A one-connection CONNECT proxy: answers 200 and relays bytes both ways to 127.0.0.1:<paramref name="port"/>.</summary>
    private static async Task RelayAsync(TcpListener listener, int port, TaskCompletionSource<string> connectLine)
    {
        using var inbound = await listener.AcceptSocketAsync();
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !head[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            if (await inbound.ReceiveAsync(one) == 0)
            {
                return;
            }
            head.Add(one[0]);
        }
        connectLine.SetResult(System.Text.Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")[0]);
        using var outbound = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await outbound.ConnectAsync(IPAddress.Loopback, port);
        await inbound.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
        using var a = new NetworkStream(inbound);
        using var b = new NetworkStream(outbound);
        await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
    }

    /// <summary>A kubeconfig file with one cluster, one user and the context joining them (flow-style YAML maps).</summary>
    private string Kubeconfig(string name, string cluster, string user) => WritePem(name, $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {{cluster}}
        users:
        - name: u
          user: {{user}}
        contexts:
        - name: ctx
          context: {cluster: c, user: u}
        current-context: ctx
        """);

    private string WritePem(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
}
