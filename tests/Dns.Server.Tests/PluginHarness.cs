using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Tests;

/// <summary>Runs one directive's setup on a Corefile and drives its plugin with hand-made queries.</summary>
internal sealed class PluginHarness
{
    private readonly StringWriter _log = new();

    private PluginHarness(string corefile, string directive, string fileName, TimeProvider? time, IPluginSetup? setup)
    {
        var registry = BuiltinPlugins.Create();
        var blocks = CorefileParser.Parse(corefile, fileName, registry.Contains);
        var block = blocks[0];
        var factory = LoggerFactory.Create(b =>
        {
            b.ClearProviders();
            b.SetMinimumLevel(LogLevel.Debug);
            b.AddProvider(new CoreDnsLoggerProvider(TextWriter.Synchronized(_log), LogLevel.Debug));
        });
        Instance = new ServerInstance(factory, new MetricsRegistry(), time ?? TimeProvider.System, fileName, 53);
        Config = new BlockConfig();
        var pipeline = new DnsPipelineBuilder();
        var ctx = new SetupContext(directive, block, block.GetDispenser(directive), Config, pipeline, Instance);
        (setup ?? registry.Get(directive)).Setup(ctx);
        Plugins = pipeline.Plugins;
    }

    public ServerInstance Instance { get; }

    public BlockConfig Config { get; }

    public IReadOnlyList<IDnsPlugin> Plugins { get; }

    public IDnsPlugin Plugin => Plugins[0];

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

    /// <summary>Sets up <paramref name="directive"/> from <paramref name="corefile"/> (first block).</summary>
    public static PluginHarness Create(string corefile, string directive, string fileName = "Corefile", TimeProvider? time = null, IPluginSetup? setup = null) =>
        new(corefile, directive, fileName, time, setup);

    /// <summary>The setup error for a snippet (directive lines inside <c>example.org { }</c>), or null when it is accepted.</summary>
    public static string? SetupError(string directive, string body)
    {
        try
        {
            Create("example.org {\n" + body + "\n}\n", directive);
            return null;
        }
        catch (CorefileException e)
        {
            return e.Message;
        }
    }

    public async Task StartAsync()
    {
        foreach (var h in Instance.StartupHooks)
        {
            await h(CancellationToken.None);
        }
    }

    public async Task StopAsync()
    {
        foreach (var h in Instance.ShutdownHooks)
        {
            await h(CancellationToken.None);
        }
    }

    /// <summary>A query context as a transport would make it.</summary>
    public static DnsContext Query(string name, DnsRecordType type, DnsClass @class = DnsClass.In, DnsTransport transport = DnsTransport.Udp, OptRecord? opt = null, EndPoint? remote = null)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), type, 4242, @class: @class);
        q.Opt = opt;
        return new DnsContext(q, transport, remote ?? new IPEndPoint(IPAddress.Loopback, 53000), new IPEndPoint(IPAddress.Loopback, 53))
        {
            RequestSize = q.ToArray().Length,
            StartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp(),
        };
    }

    /// <summary>The marker the default next handler leaves.</summary>
    public const string NextCalled = "test.next";

    /// <summary>Next handler that records it ran and fails like the end of the chain.</summary>
    public static readonly DnsRequestDelegate Next = ctx =>
    {
        ctx.Items[NextCalled] = true;
        ctx.Fail(ResponseCode.ServFail, "plugin/test: no next plugin found");
        return default;
    };

    /// <summary>Runs the plugin (and the transport's encode and completion) on a context.</summary>
    public async Task<DnsContext> RunAsync(DnsContext ctx, DnsRequestDelegate? next = null, IDnsPlugin? plugin = null)
    {
        await (plugin ?? Plugin).InvokeAsync(ctx, next ?? Next);
        var buf = new byte[65535];
        QueryHandler.Encode(ctx, buf);
        ctx.Complete();
        return ctx;
    }

    public static bool WentNext(DnsContext ctx) => ctx.Items.ContainsKey(NextCalled);
}
