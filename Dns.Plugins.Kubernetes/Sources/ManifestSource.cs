using Dns.Core.Pipeline;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Cluster data from manifest files (<c>manifests PATH</c>): a YAML/JSON file or a directory of them, reloaded when it
/// changes (FileSystemWatcher, plus polling because watchers miss events on some mounts, e.g. ConfigMap symlink swaps
/// and network file systems). A file that fails to load is logged with its name and the previous snapshot is kept.
/// </summary>
public sealed partial class ManifestSource : IClusterSource
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _reloadGate = new();
    private FileSystemWatcher? _watcher;
    private Task _loop = Task.CompletedTask;
    private ClusterSnapshot _current = ClusterSnapshot.Empty;
    private string? _fingerprint;
    private int _reloads;
    private int _failures;
    private int _disposed;
    private int _started;
    private readonly bool _keepPodNames;

    /// <summary>Creates the source for <paramref name="path"/> (a file or directory); nothing is read before <see cref="StartAsync"/>.</summary>
    public ManifestSource(string path, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, TimeSpan? pollInterval = null)
        : this(path, loggerFactory, time, pollInterval, keepPodNames: true)
    {
    }

    /// <summary>As above; <paramref name="keepPodNames"/> false drops endpoints' targetRef names (only <c>endpoint_pod_names</c> needs them).</summary>
    public ManifestSource(string path, ILoggerFactory? loggerFactory, TimeProvider? time, TimeSpan? pollInterval, bool keepPodNames)
    {
        _keepPodNames = keepPodNames;
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = System.IO.Path.GetFullPath(path);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("plugin/kubernetes");
        _time = time ?? TimeProvider.System;
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
    }

    /// <inheritdoc />
    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public event Action<ClusterSnapshot>? Changed;

    /// <summary>The file or directory read.</summary>
    public string Path => _path;

    /// <summary>Successful loads that changed the snapshot.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>Failed loads.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }
        Reload();
        try
        {
            var dir = Directory.Exists(_path) ? _path : System.IO.Path.GetDirectoryName(_path);
            if (dir is not null && Directory.Exists(dir))
            {
                _watcher = new FileSystemWatcher(dir)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
                    IncludeSubdirectories = false,
                };
                FileSystemEventHandler onChange = (_, e) => Notify(e.FullPath);
                _watcher.Changed += onChange;
                _watcher.Created += onChange;
                _watcher.Deleted += onChange;
                _watcher.Renamed += (_, e) =>
                {
                    Notify(e.OldFullPath);
                    Notify(e.FullPath);
                };
                _watcher.EnableRaisingEvents = true;
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Polling still picks changes up.
            LogNoWatcher(_logger, _path, e.Message);
        }
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <summary>
    /// A change in the watched directory forces a reload only when it concerns the manifests: the file itself, a
    /// manifest file of a watched directory, or the <c>..data</c> entries a mounted ConfigMap swaps. Anything else
    /// written beside them (a log file in the same directory) is ignored; each forced reload logs, and a log written
    /// there would otherwise reload the cluster in a loop. The poll still catches whatever an event missed.
    /// </summary>
    private void Notify(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        var relevant = name.StartsWith("..", StringComparison.Ordinal)
            || string.Equals(path, _path, StringComparison.Ordinal)
            || (Directory.Exists(_path) && ManifestLoader.IsManifestFile(name));
        if (relevant)
        {
            _signal.Release();
        }
    }

    public async Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_synced.Task.IsCompleted)
        {
            return true;
        }
        try
        {
            await _synced.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _watcher?.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }

    /// <summary>
    /// Reads the files now if their names, sizes or times changed (always when <paramref name="force"/>); returns whether
    /// a new snapshot was published. Errors are logged and the old snapshot kept.
    /// </summary>
    public bool Reload(bool force = false)
    {
        lock (_reloadGate)
        {
            string fingerprint;
            bool anyEmpty;
            try
            {
                fingerprint = Fingerprint(out anyEmpty);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ManifestException)
            {
                Interlocked.Increment(ref _failures);
                LogLoadFailed(_logger, _path, e.Message);
                return false;
            }
            if (!force && _fingerprint is not null && string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
            {
                return false;
            }
            if (anyEmpty && _current.Synced)
            {
                // A zero-length manifest is a write in progress far more often than an intended empty cluster (that
                // is written "---" or "[]"): keep serving, the next event or poll looks again.
                LogEmptyFile(_logger, _path);
                return false;
            }
            ClusterSnapshot snapshot;
            try
            {
                snapshot = ManifestLoader.LoadSnapshot(_path, (uint)_time.GetUtcNow().ToUnixTimeSeconds(), _logger, _keepPodNames);
                LogLoaded(_logger, _path, snapshot.Services.Count, snapshot.Slices.Count, snapshot.Pods.Count);
            }
            catch (ManifestException e)
            {
                // Remember the bad content so it is reported once, not on every poll.
                _fingerprint = fingerprint;
                Interlocked.Increment(ref _failures);
                LogLoadFailed(_logger, _path, e.Message);
                return false;
            }
            _fingerprint = fingerprint;
            var reloaded = _current.Synced;
            Volatile.Write(ref _current, snapshot);
            Interlocked.Increment(ref _reloads);
            if (reloaded)
            {
                // The old cluster and the loading garbage are dead now (the first load is the server's start-up).
                HeapTrim.Request();
            }
            _synced.TrySetResult();
            try
            {
                Changed?.Invoke(snapshot);
            }
            catch (Exception e)
            {
                LogLoadFailed(_logger, _path, e.Message);
            }
            return true;
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A watcher event forces a reload (two writes of the same size within one timestamp tick look
                // alike to the poll); the poll reloads only when names, sizes or times changed.
                var notified = await _signal.WaitAsync(_pollInterval, cancellationToken).ConfigureAwait(false);
                if (notified)
                {
                    await WaitUntilStableAsync(cancellationToken).ConfigureAwait(false);
                }
                Reload(force: notified);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoadFailed(_logger, _path, e.Message);
            }
        }
    }

    /// <summary>
    /// Writers truncate and then write (editors, <c>File.WriteAllText</c>, kubectl cp): wait until the files' names,
    /// sizes and times stay the same for 50 ms (at most 2 s), so a half-written file is not taken for the cluster.
    /// </summary>
    private async Task WaitUntilStableAsync(CancellationToken cancellationToken)
    {
        string? previous = null;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
            while (_signal.CurrentCount > 0 && _signal.Wait(0))
            {
                // Drain: one reload covers every event so far.
            }
            string current;
            try
            {
                current = Fingerprint(out _);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ManifestException)
            {
                return;
            }
            if (previous is not null && string.Equals(current, previous, StringComparison.Ordinal))
            {
                return;
            }
            previous = current;
        }
    }

    /// <summary>
    /// Names, sizes and modification times (symlinks followed, so a ConfigMap's atomic swap shows): cheap enough to poll
    /// a large cluster's manifests. Kept as text, not hashed: hashing loaded the cryptography stack on the start path.
    /// </summary>
    private string Fingerprint(out bool anyEmpty)
    {
        anyEmpty = false;
        var sb = new System.Text.StringBuilder();
        foreach (var f in ManifestLoader.Files(_path))
        {
            var info = new FileInfo(f);
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            anyEmpty |= target.Length == 0;
            sb.Append(f).Append('\0').Append(target.FullName).Append('\0')
                .Append(target.Length).Append('\0').Append(target.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return sb.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded manifests {Path}: {Services} services, {Slices} endpoint slices, {Pods} pods")]
    private static partial void LogLoaded(ILogger logger, string path, int services, int slices, int pods);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to load manifests {Path}, keeping the previous data: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A manifest file under {Path} is empty (being written?); keeping the previous data")]
    private static partial void LogEmptyFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Path} for changes ({Reason}); polling only")]
    private static partial void LogNoWatcher(ILogger logger, string path, string reason);
}
