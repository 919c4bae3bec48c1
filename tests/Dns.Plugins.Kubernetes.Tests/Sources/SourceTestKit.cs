using System.Collections.Concurrent;
using Dns.Plugins.Kubernetes.Data;
using Dns.Plugins.Kubernetes.Sources;
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
