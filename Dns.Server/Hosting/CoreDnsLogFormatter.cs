using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting;

/// <summary>
/// Console logging in CoreDNS's format: <c>[INFO] plugin/reload: message</c>. A logger's category is the
/// <c>plugin/NAME</c> prefix (empty for the server itself). Errors go to stdout too, as in CoreDNS.
/// </summary>
public sealed class CoreDnsLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _out;
    private readonly LogLevel _min;
    private readonly object _lock = new();

    /// <summary>Writes to <paramref name="output"/> (stdout by default) from <paramref name="minLevel"/> up.</summary>
    public CoreDnsLoggerProvider(TextWriter? output = null, LogLevel minLevel = LogLevel.Information)
    {
        _out = output ?? Console.Out;
        _min = minLevel;
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName.StartsWith("plugin/", StringComparison.Ordinal) ? categoryName + ": " : "");

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static string LevelText(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "[DEBUG] ",
        LogLevel.Information => "[INFO] ",
        LogLevel.Warning => "[WARNING] ",
        LogLevel.Error => "[ERROR] ",
        _ => "[FATAL] ",
    };

    private sealed class Logger(CoreDnsLoggerProvider owner, string prefix) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._min && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var line = LevelText(logLevel) + prefix + formatter(state, exception);
            if (exception is not null)
            {
                line += ": " + exception.GetType().Name + ": " + exception.Message;
            }
            lock (owner._lock)
            {
                owner._out.WriteLine(line);
                owner._out.Flush();
            }
        }
    }
}

/// <summary>The server's logger factory: every category through one <see cref="CoreDnsLoggerProvider"/>.</summary>
public sealed class CoreDnsLoggerFactory(CoreDnsLoggerProvider provider) : ILoggerFactory
{
    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    /// <summary>Not supported: the server writes CoreDNS's log format only.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("the server's log has one format (CoreDNS's); no other logger provider can be added");

    /// <inheritdoc/>
    public void Dispose() => provider.Dispose();
}
