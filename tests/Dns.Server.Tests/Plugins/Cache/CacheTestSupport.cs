using System.Globalization;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Server.Plugins.Cache;
using Dns.Testing;

namespace Dns.Server.Tests.Plugins.Cache;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The plugin behind the cache in tests: answers with whatever the test says and counts the calls.</summary>
internal sealed class Backend : IDnsPlugin
{
    private int _calls;

    public Func<DnsContext, ValueTask> Handler { get; set; } = static _ => default;

    public int Calls => Volatile.Read(ref _calls);

    public string Name => "erratic";

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        Interlocked.Increment(ref _calls);
        return Handler(context);
    }

    /// <summary>Answers with these records (zone-file lines) and rcode; TTLs as written.</summary>
    public void Answer(ResponseCode rcode = ResponseCode.NoError, string[]? answers = null, string[]? authority = null)
    {
        Handler = ctx =>
        {
            var r = ctx.Request.CreateResponse();
            r.RecursionAvailable = true;
            r.ResponseCode = rcode;
            foreach (var a in answers ?? [])
            {
                r.Answers.Add(RecordText.Parse(a.Replace("{q}", ctx.QueryName.Text, StringComparison.Ordinal)));
            }
            foreach (var a in authority ?? [])
            {
                r.Authority.Add(RecordText.Parse(a));
            }
            ctx.Response = r;
            return default;
        };
    }
}

/// <summary>A block with <c>cache</c> and a scripted backend, on a manual clock with its own metrics.</summary>
internal sealed class CacheUnderTest
{
    private readonly Dns.Testing.PluginHarness _harness;

    private CacheUnderTest(Dns.Testing.PluginHarness harness, Backend backend, ManualTime time)
    {
        _harness = harness;
        Backend = backend;
        Time = time;
    }

    public Backend Backend { get; }

    public ManualTime Time { get; }

    public CachePlugin? Plugin { get; private set; }

    public static CacheUnderTest Create(string cacheDirective, string zones = ".")
    {
        var backend = new Backend();
        var time = new ManualTime();
        CachePlugin? plugin = null;
        var registry = new PluginRegistry()
            .Register(new CaptureCacheSetup(p => plugin = p))
            .Register(new BackendSetup(backend));
        var harness = Dns.Testing.PluginHarness.Create($"{zones} {{\n {cacheDirective}\n erratic\n}}", registry, time);
        return new CacheUnderTest(harness, backend, time) { Plugin = plugin };
    }

    public async Task<DnsMessage> QueryAsync(string name, DnsRecordType type = DnsRecordType.A, ushort id = 4242, bool dnssecOk = false, bool cd = false)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), type, id);
        q.CheckingDisabled = cd;
        if (dnssecOk)
        {
            q.Opt = new OptRecord { DnssecOk = true };
        }
        var ctx = await _harness.RunAsync(q);
        return ctx.Response!;
    }

    public Task<DnsContext> RunAsync(DnsMessage query) => _harness.RunAsync(query);

    public double Sample(string nameWithLabels)
    {
        foreach (var line in _harness.Instance.Metrics.Export().Split('\n'))
        {
            if (line.StartsWith(nameWithLabels + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(nameWithLabels.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private sealed class BackendSetup(Backend backend) : IPluginSetup
    {
        public string Name => "erratic";

        public void Setup(SetupContext context)
        {
            while (context.Dispenser.Next())
            {
            }
            context.AddPlugin(backend);
        }
    }

    /// <summary>The real setup's parsing, keeping the plugin instance for the test.</summary>
    private sealed class CaptureCacheSetup(Action<CachePlugin> captured) : IPluginSetup
    {
        public string Name => "cache";

        public void Setup(SetupContext context)
        {
            var plugin = new CachePlugin(CacheSetup.Parse(context.Dispenser, context.Zones), new CacheMetrics(context.Metrics), context.Time);
            captured(plugin);
            context.AddPlugin(plugin);
        }
    }
}
