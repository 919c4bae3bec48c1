using Dns.Core.Metrics;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>
/// Cluster data from the Kubernetes API: one list+watch reflector each for Services, EndpointSlices (unless
/// <c>noendpoints</c>), Namespaces and Pods (only for <c>pods verified</c>). Changes are folded into a new immutable
/// <see cref="ClusterSnapshot"/> after a short coalescing window; <see cref="ClusterSnapshot.Synced"/> turns true once
/// every reflector has listed once and stays true.
/// </summary>
public sealed partial class ApiServerSource : IClusterSource
{
    private readonly ApiSourceOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly MetricsRegistry _metrics;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChangeSignal _dirty = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private KubeApiClient? _client;
    private Reflector<ServiceInfo>? _services;
    private Reflector<EndpointSliceInfo>? _slices;
    private Reflector<NamespaceInfo>? _namespaces;
    private Reflector<PodInfo>? _pods;
    private ClusterSnapshot _current = ClusterSnapshot.Empty;
    private long _serial;
    private int _started;
    private int _disposed;

    /// <summary>Creates the source; nothing is contacted before <see cref="StartAsync"/>.</summary>
    public ApiServerSource(ApiSourceOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, MetricsRegistry? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("plugin/kubernetes");
        _time = time ?? TimeProvider.System;
        _metrics = metrics ?? MetricsRegistry.Default;
    }

    /// <inheritdoc />
    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public event Action<ClusterSnapshot>? Changed;

    /// <summary>Options in use.</summary>
    public ApiSourceOptions Options => _options;

    /// <summary>Complete LISTs done so far, summed over reflectors (initial lists included).</summary>
    public int ListCount => (_services?.Lists ?? 0) + (_slices?.Lists ?? 0) + (_namespaces?.Lists ?? 0) + (_pods?.Lists ?? 0);

    /// <summary>410 Gone answers seen so far, summed over reflectors.</summary>
    public int ExpiredCount => (_services?.Expired ?? 0) + (_slices?.Expired ?? 0) + (_namespaces?.Expired ?? 0) + (_pods?.Expired ?? 0);

    /// <summary>Watches restarted by the idle watchdog, summed over reflectors.</summary>
    public int WatchdogCount => (_services?.WatchdogFired ?? 0) + (_slices?.WatchdogFired ?? 0) + (_namespaces?.WatchdogFired ?? 0) + (_pods?.WatchdogFired ?? 0);

    /// <summary>Failed LIST/WATCH attempts so far, summed over reflectors.</summary>
    public int ErrorCount => (_services?.Errors ?? 0) + (_slices?.Errors ?? 0) + (_namespaces?.Errors ?? 0) + (_pods?.Errors ?? 0);

    /// <summary>The last resourceVersion the reflector of <paramref name="resource"/> (services, endpointslices, namespaces, pods) has seen; "" when not watched.</summary>
    public string ResourceVersionOf(string resource) => resource switch
    {
        "services" => _services?.ResourceVersion,
        "endpointslices" => _slices?.ResourceVersion,
        "namespaces" => _namespaces?.ResourceVersion,
        "pods" => _pods?.ResourceVersion,
        _ => null,
    } ?? "";

    /// <summary>Lists every resource once (paged) and returns a synced snapshot; for one-shot tools (EnvInjector).</summary>
    public static async Task<ClusterSnapshot> ListOnceAsync(ApiSourceOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        await using var source = new ApiServerSource(options, loggerFactory);
        source.CreateReflectors();
        foreach (var task in source.ReflectorLists(cancellationToken))
        {
            await task.ConfigureAwait(false);
        }
        return source.Build();
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }
        CreateReflectors();
        var token = _stop.Token;
        _tasks.Add(Task.Run(() => _services!.RunAsync(token), CancellationToken.None));
        if (_slices is not null)
        {
            _tasks.Add(Task.Run(() => _slices.RunAsync(token), CancellationToken.None));
        }
        _tasks.Add(Task.Run(() => _namespaces!.RunAsync(token), CancellationToken.None));
        if (_pods is not null)
        {
            _tasks.Add(Task.Run(() => _pods.RunAsync(token), CancellationToken.None));
        }
        _tasks.Add(Task.Run(() => RebuildLoopAsync(token), CancellationToken.None));
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
        try
        {
            await Task.WhenAll(_tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        _client?.Dispose();
        _stop.Dispose();
    }

    private void CreateReflectors()
    {
        var client = _client = new KubeApiClient(ClusterClientFactory.CreateConnection(_options));
        var timing = _options.Timing;
        var labels = string.IsNullOrWhiteSpace(_options.LabelSelector) ? null : _options.LabelSelector;
        var nsLabels = string.IsNullOrWhiteSpace(_options.NamespaceLabelSelector) ? null : _options.NamespaceLabelSelector;
        var services = ApiKinds.Services(_logger);
        var slices = ApiKinds.EndpointSlices(_logger, _options.KeepPodNames);
        var namespaces = ApiKinds.Namespaces();
        var pods = ApiKinds.Pods(_logger);

        _services = new Reflector<ServiceInfo>(
            "services",
            (cont, limit, ct) => client.ListAsync(services, labels, cont, limit, ct),
            (rv, timeout, onError, ct) => client.WatchAsync(services, labels, rv, timeout, onError, ct),
            DnsEquivalence.Same,
            timing,
            _logger,
            _time,
            _metrics);

        if (_options.WatchEndpoints)
        {
            _slices = new Reflector<EndpointSliceInfo>(
                "endpointslices",
                (cont, limit, ct) => client.ListAsync(slices, labels, cont, limit, ct),
                (rv, timeout, onError, ct) => client.WatchAsync(slices, labels, rv, timeout, onError, ct),
                DnsEquivalence.Same,
                timing,
                _logger,
                _time,
                _metrics);
        }

        _namespaces = new Reflector<NamespaceInfo>(
            "namespaces",
            (cont, limit, ct) => client.ListAsync(namespaces, nsLabels, cont, limit, ct),
            (rv, timeout, onError, ct) => client.WatchAsync(namespaces, nsLabels, rv, timeout, onError, ct),
            DnsEquivalence.Same,
            timing,
            _logger,
            _time,
            _metrics);

        if (_options.WatchPods)
        {
            _pods = new Reflector<PodInfo>(
                "pods",
                (cont, limit, ct) => client.ListAsync(pods, labels, cont, limit, ct),
                (rv, timeout, onError, ct) => client.WatchAsync(pods, labels, rv, timeout, onError, ct),
                DnsEquivalence.Same,
                timing,
                _logger,
                _time,
                _metrics);
        }

        _services.Changed += OnReflectorChanged;
        _namespaces.Changed += OnReflectorChanged;
        if (_slices is not null)
        {
            _slices.Changed += OnReflectorChanged;
        }
        if (_pods is not null)
        {
            _pods.Changed += OnReflectorChanged;
        }
    }

    private IEnumerable<Task> ReflectorLists(CancellationToken cancellationToken)
    {
        yield return _services!.ListAsync(cancellationToken);
        if (_slices is not null)
        {
            yield return _slices.ListAsync(cancellationToken);
        }
        yield return _namespaces!.ListAsync(cancellationToken);
        if (_pods is not null)
        {
            yield return _pods.ListAsync(cancellationToken);
        }
    }

    private void OnReflectorChanged(bool relevant)
    {
        if (relevant)
        {
            Interlocked.Exchange(ref _serial, _time.GetUtcNow().ToUnixTimeSeconds());
        }
        _dirty.Set();
    }

    private bool AllSynced =>
        _services!.Synced && _namespaces!.Synced && (_slices?.Synced ?? true) && (_pods?.Synced ?? true);

    private async Task RebuildLoopAsync(CancellationToken cancellationToken)
    {
        long? lastPublish = null;
        var lastBuild = TimeSpan.Zero;
        try
        {
            while (true)
            {
                await _dirty.WaitAsync(cancellationToken).ConfigureAwait(false);
                // Leading-edge throttle: a lone change is published at once; a burst (a relist, a rollout) is folded
                // into at most one snapshot per window, so a new service is answerable well within 100 ms.
                // A big cluster under churn must not spend all its CPU rebuilding: the window grows to twice the
                // last build's duration.
                var window = _options.Timing.CoalesceDelay;
                if (lastBuild * 2 > window)
                {
                    window = lastBuild * 2;
                }
                if (lastPublish is { } last && window > TimeSpan.Zero && Current.Synced)
                {
                    var wait = window - _time.GetElapsedTime(last);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    }
                }
                _dirty.Take();
                var started = _time.GetTimestamp();
                Publish(Build());
                lastPublish = _time.GetTimestamp();
                lastBuild = _time.GetElapsedTime(started, lastPublish.Value);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            LogRebuildFailed(_logger, e);
        }
    }

    private ClusterSnapshot Build()
    {
        var serial = Interlocked.Read(ref _serial);
        if (serial == 0)
        {
            serial = _time.GetUtcNow().ToUnixTimeSeconds();
        }
        // Synced first, items after: a reflector stores its listed items before it flags itself synced, so items
        // read after the flag include the list. Read the other way round, a list completing in between gave a
        // snapshot flagged synced without that list's objects (NXDOMAIN for existing names until the next rebuild).
        var synced = AllSynced;
        return new ClusterSnapshot(
            _services!.CopyItems(),
            _slices is null ? [] : _slices.CopyItems(),
            _pods is null ? [] : _pods.CopyItems(),
            _namespaces!.CopyItems(),
            (uint)serial,
            synced);
    }

    private void Publish(ClusterSnapshot snapshot)
    {
        var wasSynced = Current.Synced;
        Volatile.Write(ref _current, snapshot);
        if (snapshot.Synced && !wasSynced)
        {
            LogSynced(_logger, snapshot.Services.Count, snapshot.Slices.Count);
            _synced.TrySetResult();
        }
        try
        {
            Changed?.Invoke(snapshot);
        }
        catch (Exception e)
        {
            LogRebuildFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kubernetes API synced: {Services} services, {Slices} endpoint slices")]
    private static partial void LogSynced(ILogger logger, int services, int slices);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the cluster snapshot failed")]
    private static partial void LogRebuildFailed(ILogger logger, Exception exception);
}
