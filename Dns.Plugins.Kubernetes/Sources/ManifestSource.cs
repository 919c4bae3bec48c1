using System.Security.Cryptography;
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
    private byte[]? _fingerprint;
    private int _reloads;
    private int _failures;
    private int _disposed;
    private int _started;

    /// <summary>Creates the source for <paramref name="path"/> (a file or directory); nothing is read before <see cref="StartAsync"/>.</summary>
    public ManifestSource(string path, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, TimeSpan? pollInterval = null)
    {
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
                FileSystemEventHandler onChange = (_, _) => _signal.Release();
                _watcher.Changed += onChange;
                _watcher.Created += onChange;
                _watcher.Deleted += onChange;
                _watcher.Renamed += (_, _) => _signal.Release();
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

    /// <summary>Reads the files now; returns whether the snapshot changed. Errors are logged, the old snapshot kept.</summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            byte[] fingerprint;
            try
            {
                fingerprint = Fingerprint();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ManifestException)
            {
                Interlocked.Increment(ref _failures);
                LogLoadFailed(_logger, _path, e.Message);
                return false;
            }
            if (_fingerprint is not null && fingerprint.AsSpan().SequenceEqual(_fingerprint))
            {
                return false;
            }
            ClusterSnapshot snapshot;
            try
            {
                var content = ManifestLoader.Load(_path);
                snapshot = content.ToSnapshot((uint)_time.GetUtcNow().ToUnixTimeSeconds(), _logger);
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
            Volatile.Write(ref _current, snapshot);
            Interlocked.Increment(ref _reloads);
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
                await _signal.WaitAsync(_pollInterval, cancellationToken).ConfigureAwait(false);
                // Editors write a file in several steps: let them finish before reading.
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
                while (_signal.CurrentCount > 0 && _signal.Wait(0))
                {
                    // Drain: one reload covers every event so far.
                }
                Reload();
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

    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in ManifestLoader.Files(_path))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(f + "\n"));
            hash.AppendData(File.ReadAllBytes(f));
        }
        return hash.GetHashAndReset();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded manifests {Path}: {Services} services, {Slices} endpoint slices, {Pods} pods")]
    private static partial void LogLoaded(ILogger logger, string path, int services, int slices, int pods);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to load manifests {Path}, keeping the previous data: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Path} for changes ({Reason}); polling only")]
    private static partial void LogNoWatcher(ILogger logger, string path, string reason);
}
