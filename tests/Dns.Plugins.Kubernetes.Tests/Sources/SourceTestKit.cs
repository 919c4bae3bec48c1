using System.Collections.Concurrent;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>Object builders, fast timings, log capture and waiting helpers for the source tests.</summary>
internal static class SourceTestKit
{
    public static readonly ReflectorTiming FastTiming = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        MinWatchTimeout = TimeSpan.FromSeconds(30),
        MaxWatchTimeout = TimeSpan.FromSeconds(40),
        CoalesceDelay = TimeSpan.FromMilliseconds(20),
    };

    public static ApiSourceOptions Options(string url, ReflectorTiming? timing = null) =>
        new() { Endpoint = url, Timing = timing ?? FastTiming };

    public static V1Service Service(string ns, string name, string clusterIP = "10.96.0.50", Dictionary<string, string>? labels = null, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIP,
            ClusterIPs = [clusterIP],
            Ports = ports.Length == 0 ? [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] : ports,
        },
    };

    public static V1EndpointSlice Slice(string ns, string name, string service, params string[] addresses)
    {
        var eps = new List<V1Endpoint>();
        foreach (var a in addresses)
        {
            eps.Add(new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true } });
        }
        return new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { [KubeObjectConverter.ServiceNameLabel] = service } },
            AddressType = "IPv4",
            Endpoints = eps,
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 80, Protocol = "TCP" }],
        };
    }

    public static V1Namespace Namespace(string name, Dictionary<string, string>? labels = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = labels } };

    public static V1Pod Pod(string ns, string name, string ip) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Status = new V1PodStatus { PodIP = ip, Phase = "Running" },
    };

    /// <summary>Waits until the source's snapshot satisfies <paramref name="condition"/>, driven by its Changed event.</summary>
    public static async Task<ClusterSnapshot> WaitForAsync(IClusterSource source, Func<ClusterSnapshot, bool> condition, TimeSpan? timeout = null)
    {
        var tcs = new TaskCompletionSource<ClusterSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(ClusterSnapshot s)
        {
            if (condition(s))
            {
                tcs.TrySetResult(s);
            }
        }
        source.Changed += OnChanged;
        try
        {
            var now = source.Current;
            if (condition(now))
            {
                return now;
            }
            return await tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
        finally
        {
            source.Changed -= OnChanged;
        }
    }

    /// <summary>Waits for a condition that has no event (counters), checking every 10 ms.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }

    public static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Dns.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("Dns.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Collects log lines as "Level: message".</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory, ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public bool Contains(string fragment)
    {
        foreach (var l in Lines)
        {
            if (l.Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(logLevel + ": " + formatter(state, exception));
    }
}

/// <summary>System time shifted by <see cref="Offset"/> (wall clock only; timers and timestamps stay real).</summary>
internal sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
