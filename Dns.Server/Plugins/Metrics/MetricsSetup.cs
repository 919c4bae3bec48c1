using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;

namespace Dns.Server.Plugins.Metrics;

/// <summary>
/// <c>prometheus</c>: serves <c>/metrics</c> and turns on the per-query report for the block's zones. The report is
/// made by the listener after each reply (<see cref="RequestMetrics"/>), not by a chain link, so a block without
/// <c>prometheus</c> pays nothing and one with it pays a few interlocked adds.
/// </summary>
internal sealed class MetricsSetup : IPluginSetup
{
    public string Name => "prometheus";

    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser);
        var instance = context.Instance;
        MetricsEndpoint? endpoint = null;
        context.OnStartup(_ =>
        {
            endpoint = new MetricsEndpoint(options);
            endpoint.Start(ServerProcess.Of(instance));
            return Task.CompletedTask;
        });
        context.OnShutdown(_ =>
        {
            endpoint?.Stop();
            return Task.CompletedTask;
        });
    }

    internal static MetricsOptions Parse(CorefileDispenser d)
    {
        var address = MetricsOptions.DefaultAddress;
        var i = 0;
        while (d.Next())
        {
            if (i++ > 0)
            {
                throw d.Err("plugin/prometheus: this plugin can only be used once per Server Block");
            }
            address = HttpAddress.ReadOptional(d, "prometheus", address);
            while (d.NextBlock())
            {
                throw d.Val == "tls"
                    ? d.Err("plugin/prometheus: tls is not supported by this server")
                    : d.Err($"plugin/prometheus: unknown option: {d.Val}");
            }
        }
        return new MetricsOptions(address);
    }
}
