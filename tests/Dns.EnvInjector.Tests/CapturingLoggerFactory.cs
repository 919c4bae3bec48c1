using Microsoft.Extensions.Logging;

namespace Dns.EnvInjector.Tests;

/// <summary>Collects log messages and lets a test await one.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly Lock _gate = new();
    private readonly List<string> _messages = [];
    private readonly List<(string Fragment, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public Task WaitForAsync(string fragment, TimeSpan? timeout = null)
    {
        lock (_gate)
        {
            if (_messages.Any(m => m.Contains(fragment, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((fragment, tcs));
            return tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(string message)
    {
        lock (_gate)
        {
            _messages.Add(message);
            foreach (var (fragment, done) in _waiters)
            {
                if (message.Contains(fragment, StringComparison.Ordinal))
                {
                    done.TrySetResult();
                }
            }
        }
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(formatter(state, exception));
    }
}
