using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Plugins.Forward.Tests;

/// <summary>One forward plugin built from a directive's text, with its own metrics, for tests that look inside.</summary>
internal sealed class ForwardUnderTest : IDisposable
{
    private ForwardUnderTest(ForwardPlugin plugin, MetricsRegistry metrics)
    {
        Plugin = plugin;
        Metrics = metrics;
    }

    public ForwardPlugin Plugin { get; }

    public MetricsRegistry Metrics { get; }

    public Upstream[] Upstreams => Plugin.Pool.All;

    public static ForwardUnderTest Create(string directive)
    {
        var options = Assert.Single(ForwardSetup.Parse(CorefileDispenser.FromText(directive)));
        var metrics = new MetricsRegistry();
        return new ForwardUnderTest(new ForwardPlugin(options, new ForwardMetrics(metrics), nextIsForward: false), metrics);
    }

    public async Task<DnsContext> RunAsync(string name, DnsTransport transport = DnsTransport.Udp, DnsRecordType type = DnsRecordType.A)
    {
        var ctx = new DnsContext(ForwardTestSupport.Query(name, type), transport, new IPEndPoint(IPAddress.Loopback, 40000));
        await Plugin.InvokeAsync(ctx, static c =>
        {
            c.Fail(ResponseCode.ServFail, "plugin/forward: no next plugin found");
            return default;
        });
        return ctx;
    }

    public double Sample(string nameWithLabels) => Dns.Testing.MetricsText.Sample(Metrics.Export(), nameWithLabels);

    public void Dispose() => Plugin.Dispose();
}
