using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Tests.Plugins.Health;

/// <summary>A real host with its own metrics registry, captured log and injectable registry/exit, plus HTTP helpers.</summary>
internal sealed class OpsTestHost : IAsyncDisposable
{
    private readonly StringWriter _log;
    private readonly ILoggerFactory _factory;

    private OpsTestHost(DnsServerHost host, StringWriter log, ILoggerFactory factory, MetricsRegistry metrics)
    {
        Host = host;
        _log = log;
        _factory = factory;
        Metrics = metrics;
    }

    public DnsServerHost Host { get; }

    public MetricsRegistry Metrics { get; }

    public int Port => Host.Port;

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static OpsTestHost Create(string corefile, PluginRegistry? registry = null, string fileName = "Corefile", Action<int>? exit = null, TimeSpan? reloadGrace = null)
    {
        var log = new StringWriter();
        var sync = TextWriter.Synchronized(log);
        var factory = LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(LogLevel.Debug);
            b.AddProvider(new CoreDnsLoggerProvider(sync, LogLevel.Debug));
        });
        var metrics = new MetricsRegistry();
        var host = DnsServerHost.Create(corefile, fileName, new DnsServerOptions
        {
            DefaultPort = 0,
            LoggerFactory = factory,
            UdpWorkers = 1,
            Output = sync,
            Metrics = metrics,
            Registry = registry ?? BuiltinPlugins.Create(),
            FatalExit = exit ?? (_ => { }),
            ReloadGrace = reloadGrace ?? TimeSpan.FromMilliseconds(50),
        });
        return new OpsTestHost(host, log, factory, metrics);
    }

    public static async Task<OpsTestHost> StartAsync(string corefile, PluginRegistry? registry = null, string fileName = "Corefile", Action<int>? exit = null, TimeSpan? reloadGrace = null)
    {
        var h = Create(corefile, registry, fileName, exit, reloadGrace);
        try
        {
            await h.Host.StartAsync();
        }
        catch
        {
            await h.DisposeAsync();
            throw;
        }
        return h;
    }

    public int HttpPort(string address) => Host.HttpPorts[address];

    public Task<(int Status, string Body)> GetAsync(string address, string path) => Http.GetAsync(HttpPort(address), path);

    public async Task WaitForLogAsync(string fragment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(fragment, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"log never contained \"{fragment}\":\n{Log}");
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _factory.Dispose();
    }

    /// <summary>A dispenser over the first use of <paramref name="directive"/> in a one-block Corefile.</summary>
    public static CorefileDispenser Dispenser(string corefile, string directive) =>
        CorefileParser.Parse(corefile, "Corefile", BuiltinPlugins.Create().Contains)[0].GetDispenser(directive);
}

/// <summary>Plain HTTP GETs over loopback.</summary>
internal static class Http
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(int Status, string Body)> GetAsync(int port, string path)
    {
        using var resp = await Client.GetAsync($"http://127.0.0.1:{port}{path}");
        return ((int)resp.StatusCode, await resp.Content.ReadAsStringAsync());
    }
}

/// <summary>A directive in the plugin order that tests can give any setup (nobody registers <c>erratic</c>).</summary>
internal sealed class TestSetup(string name, Action<SetupContext> setup) : IPluginSetup
{
    public string Name { get; } = name;

    public void Setup(SetupContext context) => setup(context);
}
