using Dns.Core.Metrics;
using Dns.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Hosts;

/// <summary>
/// The hosts file plus the inline entries, published as an immutable <see cref="HostsSnapshot"/>. The file is
/// re-read when its modification time or size changed; when it cannot be opened the last data stays (CoreDNS).
/// </summary>
internal sealed partial class HostsData : IDisposable
{
    private readonly HostsOptions _options;
    private readonly List<HostsSnapshot.HostEntry> _inline;
    private readonly ILogger _log;
    private readonly Gauge _entries;
    private readonly Gauge _reloadTimestamp;
    private readonly Lock _reloadLock = new();
    private volatile HostsSnapshot _snapshot;
    private DateTime _mtime;
    private long _size = -1;
    private ITimer? _timer;

    public HostsData(HostsOptions options, ILogger log, MetricsRegistry metrics)
    {
        _options = options;
        _log = log;
        _entries = metrics.Gauge("coredns_hosts_entries", "The combined number of entries in hosts and Corefile.").WithLabels();
        _reloadTimestamp = metrics.Gauge("coredns_hosts_reload_timestamp_seconds", "The timestamp of the last reload of hosts file.").WithLabels();
        _inline = HostsSnapshot.Parse(new StringReader(string.Join('\n', options.Inline)), options.Origins);
        _snapshot = HostsSnapshot.Build(_inline, options.Ttl, options.AutoReverse);
    }

    /// <summary>The current data; read once per query.</summary>
    public HostsSnapshot Snapshot => _snapshot;

    /// <summary>Raised after a new snapshot was published (tests wait on it).</summary>
    public event Action? Reloaded;

    /// <summary>First read, then checks every <see cref="HostsOptions.Reload"/> (unless zero).</summary>
    public void Start(TimeProvider time)
    {
        ReadHosts();
        if (_options.Reload > TimeSpan.Zero)
        {
            _timer = time.CreateTimer(static s => ((HostsData)s!).ReadHosts(), this, _options.Reload, _options.Reload);
        }
    }

    /// <summary>Re-reads the file when it changed. Not on the query path.</summary>
    public void ReadHosts()
    {
        lock (_reloadLock)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(_options.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Setup already warned about a missing file; keep serving what we have.
                return;
            }
            using (stream)
            {
                var info = new FileInfo(_options.Path);
                DateTime mtime;
                long size;
                try
                {
                    mtime = info.LastWriteTimeUtc;
                    size = stream.Length;
                }
                catch (IOException)
                {
                    return;
                }
                if (mtime == _mtime && size == _size)
                {
                    return;
                }
                List<HostsSnapshot.HostEntry> fromFile;
                try
                {
                    using var reader = new StreamReader(stream);
                    fromFile = HostsSnapshot.Parse(reader, _options.Origins);
                }
                catch (IOException)
                {
                    return;
                }
                var all = new List<HostsSnapshot.HostEntry>(fromFile.Count + _inline.Count);
                all.AddRange(fromFile);
                all.AddRange(_inline);
                var snapshot = HostsSnapshot.Build(all, _options.Ttl, _options.AutoReverse);
                _snapshot = snapshot;
                // Replies kept in wire form (IReplaySafe) came from the old entries.
                ReplayEpoch.Advance();
                _mtime = mtime;
                _size = size;
                LogParsed(_log, snapshot.Count);
                _entries.Set(snapshot.Count);
                _reloadTimestamp.Set((mtime - DateTime.UnixEpoch).TotalSeconds);
            }
        }
        Reloaded?.Invoke();
    }

    public void Dispose() => _timer?.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Parsed hosts file into {Count} entries")]
    private static partial void LogParsed(ILogger logger, int count);
}
