using System.Net;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Testing;

/// <summary>
/// The real server from a Corefile string, on 127.0.0.1 with ephemeral ports (write keys as <c>.:0</c> or
/// <c>example.org:0</c>). Log lines are captured in <see cref="Log"/>.
/// </summary>
public sealed class TestDnsServer : IAsyncDisposable
{
    private readonly DnsServerHost _host;

    private TestDnsServer(DnsServerHost host, StringWriter log)
    {
        _host = host;
        LogWriter = log;
    }

    /// <summary>The host (for plugins' state in tests).</summary>
    public DnsServerHost Host => _host;

    /// <summary>First listener's port.</summary>
    public int Port => _host.Port;

    /// <summary>The UDP/TCP endpoint on loopback.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    private StringWriter LogWriter { get; }

    /// <summary>Everything logged so far.</summary>
    public string Log
    {
        get
        {
            lock (LogWriter)
            {
                return LogWriter.ToString();
            }
        }
    }

    /// <summary>Builds and starts a server; <c>-dns.port</c> defaults to 0 so keys without a port get an ephemeral one.</summary>
    public static async Task<TestDnsServer> StartAsync(string corefile, int defaultPort = 0, string fileName = "Corefile", int udpWorkers = 1, Dns.Core.Pipeline.PluginRegistry? registry = null)
    {
        var log = new StringWriter();
        var sync = TextWriter.Synchronized(log);
        var factory = LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(LogLevel.Debug);
            b.AddProvider(new CoreDnsLoggerProvider(sync, LogLevel.Debug));
        });
        var host = DnsServerHost.Create(corefile, fileName, new DnsServerOptions
        {
            DefaultPort = defaultPort,
            LoggerFactory = factory,
            UdpWorkers = udpWorkers,
            Output = sync,
            Registry = registry ?? Dns.Server.BuiltinPlugins.Create(),
        });
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            // A port taken in between (tests that must name their port retry): stop what did start.
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new TestDnsServer(host, log);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _host.DisposeAsync().ConfigureAwait(false);
}
