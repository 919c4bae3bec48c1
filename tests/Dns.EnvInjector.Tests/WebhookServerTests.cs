using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Dns.EnvInjector.Tests;

/// <summary>The <c>webhook</c> command end to end: HTTPS on 127.0.0.1:0, manifests as the source.</summary>
public sealed class WebhookServerTests : IAsyncLifetime
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "data");
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-webhook-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private X509Certificate2 _serverCert = null!;
    private string _certPath = "";
    private string _keyPath = "";
    private Task<(int Code, string Out, string Err)> _run = null!;
    private HttpClient _client = null!;
    private X509Certificate2? _seen;

    public async Task InitializeAsync()
    {
        (_certPath, _keyPath, _serverCert) = TestCertificate.Write(_dir);
        _run = new CliHarness(Real()).RunAsync(
            ["webhook", "--manifests", DataDir, "--tls-cert", _certPath, "--tls-key", _keyPath, "--listen", "127.0.0.1:0"],
            p => _port.TrySetResult(p),
            _stop.Token);
        var port = await await Task.WhenAny(_port.Task, _run.ContinueWith(t => -1, TaskScheduler.Default)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(port > 0, "webhook did not start: " + (_run.IsCompleted ? _run.Result.Err : ""));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                _seen = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                return true;
            },
        };
        _client = new HttpClient(handler) { BaseAddress = new Uri("https://127.0.0.1:" + port) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await _stop.CancelAsync();
        if (_run is not null)
        {
            var (code, _, _) = await _run.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, code);
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static Sources.ClusterAccess Real() => new(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await _client.PostAsync("/mutate", content);
    }

    [Fact]
    public async Task Mutate_RecordedReview_PatchAppliesOverHttps()
    {
        var reviewText = await File.ReadAllTextAsync(Path.Combine(DataDir, "admission-review.json"));

        using var response = await PostAsync(reviewText);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_serverCert.Thumbprint, _seen?.Thumbprint);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("0df28fbd-5f5f-11e8-bc74-36e6bb280816", answer["response"]!["uid"]!.GetValue<string>());
        var patch = JsonNode.Parse(Convert.FromBase64String(answer["response"]!["patch"]!.GetValue<string>()))!.AsArray();
        var pod = JsonPatch.Apply(JsonNode.Parse(reviewText)!["request"]!["object"]!, patch);
        var sidecarEnv = pod["spec"]!["containers"]![1]!["env"]!.AsArray();
        Assert.Equal(36, sidecarEnv.Count);
        Assert.Contains(sidecarEnv, e => e!["name"]!.GetValue<string>() == "WEB_FRONTEND_SERVICE_HOST" && e["value"]!.GetValue<string>() == "10.96.10.20");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}")]
    public async Task Mutate_Malformed_400ThenStillServing(string body)
    {
        using var bad = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        using var health = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_Synced_Ok()
    {
        using var ready = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Mutate_Get_MethodNotAllowed()
    {
        using var r = await _client.GetAsync("/mutate");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
    }

    [Fact]
    public async Task Certificate_RotatedFiles_NewCertificateServed()
    {
        using (var first = await _client.GetAsync("/healthz"))
        {
            Assert.Equal(_serverCert.Thumbprint, _seen?.Thumbprint);
        }
        var rotated = Directory.CreateTempSubdirectory("envinjector-rot-").FullName;
        try
        {
            var (c, k, cert) = TestCertificate.Write(rotated, "tls", DateTimeOffset.UtcNow.AddMinutes(-1));
            File.Copy(c, _certPath, overwrite: true);
            File.Copy(k, _keyPath, overwrite: true);
            // Keep the write times apart from the originals even on coarse-timestamp file systems.
            File.SetLastWriteTimeUtc(_certPath, DateTime.UtcNow.AddSeconds(5));
            File.SetLastWriteTimeUtc(_keyPath, DateTime.UtcNow.AddSeconds(5));

            // A new connection makes a new TLS handshake.
            _client.DefaultRequestHeaders.ConnectionClose = true;
            using var fresh = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, x, _, _) => { _seen = x is null ? null : X509CertificateLoader.LoadCertificate(x.GetRawCertData()); return true; } },
            }) { BaseAddress = _client.BaseAddress };
            using var second = await fresh.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(cert.Thumbprint, _seen?.Thumbprint);
        }
        finally
        {
            Directory.Delete(rotated, recursive: true);
        }
    }
}
