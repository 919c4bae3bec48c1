using System.Text;
using System.Text.Json.Nodes;
using Dns.Testing.FakeKubeApi;

namespace Dns.EnvInjector.Tests;

/// <summary>The webhook following a (fake) API server: namespace labels and services change while it runs.</summary>
public sealed class WebhookApiTests : IDisposable
{
    private static readonly string ReviewText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "admission-review.json"));
    private readonly string _dir = Directory.CreateTempSubdirectory("envinjector-wapi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Webhook_NamespaceLabelledAndServiceAdded_FollowsTheApi()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(RealSourceTests.Namespace("default"));
        api.Add(RealSourceTests.Namespace("team-a"));
        api.Add(RealSourceTests.Service("default", "kubernetes", "10.96.0.1", ("https", 443, "TCP")));
        var (cert, key, _) = TestCertificate.Write(_dir);
        using var stop = new CancellationTokenSource();
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = CliHarness.Real().RunAsync(
            ["webhook", "--server", api.Url, "--tls-cert", cert, "--tls-key", key, "--listen", "127.0.0.1:0"],
            p => port.TrySetResult(p),
            stop.Token);
        if (await Task.WhenAny(port.Task, run).WaitAsync(TimeSpan.FromSeconds(30)) == run)
        {
            Assert.Fail("webhook did not start: " + (await run).Err);
        }
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri("https://127.0.0.1:" + await port.Task),
        };
        var review = ReviewText.Replace("\"namespace\": \"app\"", "\"namespace\": \"team-a\"", StringComparison.Ordinal);

        // Not opted in yet.
        Assert.Null(await PatchedSidecarEnvAsync(client, review));

        api.Update(RealSourceTests.Namespace("team-a", new Dictionary<string, string> { ["dns.envinjector/inject"] = "true" }));
        var env = await EventuallyAsync(client, review, e => e is not null);
        Assert.Equal(8, env!.Length);

        api.Add(RealSourceTests.Service("team-a", "cache", "10.0.7.7", ("redis", 6379, "TCP")));
        env = await EventuallyAsync(client, review, e => e is not null && e.Contains("CACHE_SERVICE_HOST=10.0.7.7"));
        Assert.Contains("CACHE_PORT=tcp://10.0.7.7:6379", env!);
        Assert.Contains("CACHE_SERVICE_PORT_REDIS=6379", env!);

        await stop.CancelAsync();
        var (code, _, _) = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
    }

    private static async Task<string[]?> EventuallyAsync(HttpClient client, string review, Func<string[]?, bool> condition)
    {
        // The webhook sees API changes through its watch; nothing to await from here but its answers.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var env = await PatchedSidecarEnvAsync(client, review);
            if (condition(env))
            {
                return env;
            }
            Assert.True(DateTime.UtcNow < deadline, "the webhook did not pick up the change");
            await Task.Delay(50);
        }
    }

    private static async Task<string[]?> PatchedSidecarEnvAsync(HttpClient client, string review)
    {
        using var response = await client.PostAsync("/mutate", new StringContent(review, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
        if (answer["patch"] is null)
        {
            return null;
        }
        var patch = JsonNode.Parse(Convert.FromBase64String(answer["patch"]!.GetValue<string>()))!.AsArray();
        var pod = JsonPatch.Apply(JsonNode.Parse(review)!["request"]!["object"]!, patch);
        return [.. pod["spec"]!["containers"]![1]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>() + "=" + e["value"]!.GetValue<string>())];
    }
}
