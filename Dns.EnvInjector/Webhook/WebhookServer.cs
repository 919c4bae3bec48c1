using Dns.Plugins.Kubernetes.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.EnvInjector.Webhook;

/// <summary>
/// The HTTPS server of the webhook (Kestrel from the ASP.NET Core shared framework): <c>POST /mutate</c>,
/// <c>GET /healthz</c> (liveness) and <c>GET /readyz</c> (503 until the services were listed once).
/// </summary>
internal sealed class WebhookServer : IAsyncDisposable
{
    private const long MaxBodyBytes = 8 * 1024 * 1024;

    private readonly WebApplication _app;

    private WebhookServer(WebApplication app) => _app = app;

    /// <summary>The bound port (useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>Builds and starts the server.</summary>
    public static async Task<WebhookServer> StartAsync(
        ListenAddress listen,
        CertificateStore certificates,
        AdmissionHandler handler,
        IClusterSource source,
        TextWriter log,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            void Https(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions o) =>
                o.UseHttps(h => h.ServerCertificateSelector = (_, _) => certificates.Current);
            if (listen.Address is null)
            {
                k.ListenAnyIP(listen.Port, Https);
            }
            else
            {
                k.Listen(listen.Address, listen.Port, Https);
            }
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => source.Current.Synced
            ? Results.Text("ok\n")
            : Results.Text("services not listed yet\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapPost("/mutate", async (HttpContext http) =>
        {
            byte[] body;
            try
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
                body = buffer.ToArray();
            }
            catch (BadHttpRequestException e)
            {
                http.Response.StatusCode = e.StatusCode;
                await http.Response.WriteAsync(e.Message + "\n", http.RequestAborted).ConfigureAwait(false);
                return;
            }
            var result = handler.Handle(body);
            http.Response.StatusCode = result.StatusCode;
            http.Response.ContentType = result.ContentType;
            await http.Response.WriteAsync(result.Body, http.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var server = new WebhookServer(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        foreach (var a in addresses?.Addresses ?? [])
        {
            server.Port = int.Parse(a.AsSpan(a.LastIndexOf(':') + 1).TrimEnd('/'), System.Globalization.CultureInfo.InvariantCulture);
            await log.WriteLineAsync("Dns.EnvInjector: webhook listening on " + a).ConfigureAwait(false);
        }
        return server;
    }

    /// <summary>Completes when the host stops (SIGTERM, Ctrl-C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
