using Dns.Core.Pipeline;
using Dns.Server.Hosting.Http;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// What outlives a reload (CoreDNS's process-wide plugin state): the HTTP listeners of <c>health</c>, <c>ready</c>
/// and <c>prometheus</c>, the core metric families, the shutdown flag, and the host that reloads. Plugins find it
/// in <see cref="ServerInstance.Items"/>.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    public const string ItemKey = "dns.server.process";

    public ServerProcess(DnsServerOptions options)
    {
        Options = options;
        Http = new HttpEndpoints(options.LoggerFactory.CreateLogger("plugin/health"));
        Metrics = new CoreMetrics(options.Metrics);
    }

    public DnsServerOptions Options { get; }

    public HttpEndpoints Http { get; }

    public CoreMetrics Metrics { get; }

    /// <summary>Set when the final shutdown starts (lameduck): <c>/ready</c> stops answering OK.</summary>
    public bool ShuttingDown
    {
        get => Volatile.Read(ref _shuttingDown);
        set => Volatile.Write(ref _shuttingDown, value);
    }

    private bool _shuttingDown;

    /// <summary>Values plugins keep across reloads (the last <c>coredns_reload_version_info</c> child, ...).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>The host, for <c>reload</c>.</summary>
    public DnsServerHost? Host { get; set; }

    /// <summary>The process state of a configuration being set up or running.</summary>
    public static ServerProcess Of(ServerInstance instance) =>
        instance.Items.TryGetValue(ItemKey, out var p) && p is ServerProcess sp
            ? sp
            : throw new InvalidOperationException("this plugin needs the Dns.Server host");

    public void Dispose() => Http.Dispose();
}
