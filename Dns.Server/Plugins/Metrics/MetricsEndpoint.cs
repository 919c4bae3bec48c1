using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Dns.Core.Metrics;
using Dns.Server.Hosting;
using Dns.Server.Hosting.Http;

namespace Dns.Server.Plugins.Metrics;

/// <summary>Serves <c>GET /metrics</c>: the process's registry in Prometheus text format 0.0.4.</summary>
internal sealed class MetricsEndpoint
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MetricsOptions _options;
    private HttpLease? _lease;

    public MetricsEndpoint(MetricsOptions options) => _options = options;

    public void Start(ServerProcess process)
    {
        var registry = process.Options.Metrics;
        var proc = ProcessMetrics.For(registry);
        try
        {
            _lease = process.Http.Lease(_options.Address, "/metrics", () =>
            {
                proc.Update();
                return new HttpResponse(200, registry.Export(), ContentType);
            });
        }
        catch (Exception e) when (e is SocketException or FormatException)
        {
            throw new InvalidOperationException($"plugin/prometheus: listen tcp {_options.Address}: {e.Message}", e);
        }
    }

    public void Stop() => _lease?.Dispose();

    /// <summary>The standard <c>process_*</c> collector of the Prometheus clients, read at scrape time.</summary>
    private sealed class ProcessMetrics
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MetricsRegistry, ProcessMetrics> PerRegistry = new();

        private readonly Counter _cpu;
        private readonly Gauge _resident;
        private readonly Gauge _virtual;
        private readonly Gauge _start;
        private readonly Gauge _openFds;
        private readonly Gauge _maxFds;
        private double _cpuReported;

        private ProcessMetrics(MetricsRegistry r)
        {
            _cpu = r.Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.").WithLabels();
            _resident = r.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.").WithLabels();
            _virtual = r.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").WithLabels();
            _start = r.Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.").WithLabels();
            _openFds = r.Gauge("process_open_fds", "Number of open file descriptors.").WithLabels();
            _maxFds = r.Gauge("process_max_fds", "Maximum number of open file descriptors.").WithLabels();
        }

        public static ProcessMetrics For(MetricsRegistry registry) => PerRegistry.GetValue(registry, static r => new ProcessMetrics(r));

        public void Update()
        {
            using var p = Process.GetCurrentProcess();
            lock (this)
            {
                var cpu = p.TotalProcessorTime.TotalSeconds;
                if (cpu > _cpuReported)
                {
                    _cpu.Inc(cpu - _cpuReported);
                    _cpuReported = cpu;
                }
            }
            _resident.Set(p.WorkingSet64);
            _virtual.Set(p.VirtualMemorySize64);
            _start.Set(new DateTimeOffset(p.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
            if (OperatingSystem.IsLinux())
            {
                try
                {
                    _openFds.Set(Directory.GetFiles("/proc/self/fd").Length);
                    foreach (var line in File.ReadLines("/proc/self/limits"))
                    {
                        if (line.StartsWith("Max open files", StringComparison.Ordinal))
                        {
                            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                            if (parts.Length > 3 && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var max))
                            {
                                _maxFds.Set(max);
                            }
                        }
                    }
                }
                catch (IOException)
                {
                    // /proc not readable: leave the last values.
                }
            }
        }
    }
}
