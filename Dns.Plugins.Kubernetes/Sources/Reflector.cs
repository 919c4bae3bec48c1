using System.Net;
using Dns.Core.Metrics;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>One page of a LIST: its items, the list's resourceVersion and the continue token ("" or null at the end).</summary>
internal readonly record struct ListPage<TItem>(IList<ApiObject<TItem>>? Items, string? ResourceVersion, string? Continue)
    where TItem : class;

/// <summary>
/// Keeps an in-memory copy of one resource kind in step with the API server, the way client-go's reflector does
/// (KubernetesClient has no informers): paged LIST, then WATCH from the list's resourceVersion with bookmarks; a 410
/// (as an ERROR event or as the HTTP status of the watch request) relists, and a relist REPLACES the store so that
/// deletions missed while disconnected disappear (coredns/coredns#3879). Failures back off exponentially with jitter;
/// a watchdog restarts a watch that went silent. Only converted items are stored, never whole objects.
/// </summary>
internal sealed partial class Reflector<TItem>
    where TItem : class
{
    private readonly string _resource;
    private readonly Func<string?, int, CancellationToken, Task<ListPage<TItem>>> _list;
    private readonly Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, ApiObject<TItem>)>> _watch;
    private readonly Func<TItem, TItem, bool> _same;
    private readonly ReflectorTiming _timing;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Counter _relistMetric;
    private readonly Counter _expiredMetric;
    private readonly Counter _watchMetric;
    private readonly Counter _errorMetric;
    private readonly Gauge _objectsMetric;
    private readonly Lock _gate = new();
    private Dictionary<ObjectKey, TItem> _items = [];
    private int _lists;
    private int _watches;
    private int _expired;
    private int _watchdogFired;
    private int _errors;
    private volatile bool _synced;
    private bool _streamed;

    public Reflector(
        string resource,
        Func<string?, int, CancellationToken, Task<ListPage<TItem>>> list,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, ApiObject<TItem>)>> watch,
        Func<TItem, TItem, bool> same,
        ReflectorTiming timing,
        ILogger logger,
        TimeProvider time,
        MetricsRegistry metrics)
    {
        _resource = resource;
        _list = list;
        _watch = watch;
        _same = same;
        _timing = timing;
        _logger = logger;
        _time = time;
        _relistMetric = metrics.Counter("coredns_kubernetes_reflector_lists_total", "Full LISTs (initial and relists) of a resource.", "resource").WithLabels(resource);
        _expiredMetric = metrics.Counter("coredns_kubernetes_reflector_expired_total", "410 Gone (resourceVersion too old) answers that forced a relist.", "resource").WithLabels(resource);
        _watchMetric = metrics.Counter("coredns_kubernetes_reflector_watches_total", "WATCH requests started.", "resource").WithLabels(resource);
        _errorMetric = metrics.Counter("coredns_kubernetes_reflector_errors_total", "Failed LIST or WATCH attempts.", "resource").WithLabels(resource);
        _objectsMetric = metrics.Gauge("coredns_kubernetes_reflector_objects", "Objects held for a resource.", "resource").WithLabels(resource);
    }

    /// <summary>Raised after the store changed; the argument says whether DNS answers may differ.</summary>
    public event Action<bool>? Changed;

    /// <summary>Resource name (services, endpointslices, ...).</summary>
    public string Resource => _resource;

    /// <summary>Listed at least once.</summary>
    public bool Synced => _synced;

    /// <summary>
    /// The current items, copied (the snapshot builder's view). The store is a plain dictionary under a lock held
    /// only for a copy or one change, never across I/O: keyed by the objects' own namespace and name strings, it costs
    /// an entry per object where an immutable dictionary cost a tree node and a "namespace/name" string.
    /// </summary>
    public TItem[] CopyItems()
    {
        lock (_gate)
        {
            var a = new TItem[_items.Count];
            _items.Values.CopyTo(a, 0);
            return a;
        }
    }

    /// <summary>Last resourceVersion seen (list, event or bookmark).</summary>
    public string ResourceVersion { get; private set; } = "";

    /// <summary>Complete LISTs done.</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>WATCH requests started.</summary>
    public int Watches => Volatile.Read(ref _watches);

    /// <summary>410s seen (event or HTTP).</summary>
    public int Expired => Volatile.Read(ref _expired);

    /// <summary>Failed LIST/WATCH attempts and error events.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Watches cancelled by the idle watchdog.</summary>
    public int WatchdogFired => Volatile.Read(ref _watchdogFired);

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled; never throws otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        var listAfterErrorEvent = false;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan? retryAfter = null;
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                    if (!listAfterErrorEvent)
                    {
                        // A complete LIST means the server answers again, as a watch that streams events does
                        // (below): the next failure starts the backoff from the beginning. Not when the watch keeps
                        // sending ERROR events: each forces a relist, and those must still back off further.
                        failures = 0;
                    }
                    listAfterErrorEvent = false;
                }
                var outcome = await WatchAsync(cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case WatchOutcome.Relist:
                        needList = true;
                        continue;
                    case WatchOutcome.RelistAfterBackoff:
                        needList = true;
                        listAfterErrorEvent = true;
                        break;
                    case WatchOutcome.Healthy:
                        failures = 0;
                        continue;
                    case WatchOutcome.EndedEarly:
                        // An empty watch that ended at once: do not spin against a server that closes immediately.
                        break;
                    case WatchOutcome.Ended:
                        continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiStatusException e)
            {
                CountError();
                var code = e.StatusCode;
                if (code == (int)HttpStatusCode.Gone)
                {
                    Interlocked.Increment(ref _expired);
                    _expiredMetric.Inc();
                    LogExpired(_logger, _resource, ResourceVersion);
                    if (!needList)
                    {
                        // The watch's resourceVersion is too old: relist at once.
                        needList = true;
                        continue;
                    }
                    // A LIST itself got 410 (an expired continue token): retry it after a pause, not in a tight loop.
                }
                if (code is 401 or 403)
                {
                    LogForbidden(_logger, _resource, code, Trim(e.Content));
                }
                else if (code != (int)HttpStatusCode.Gone)
                {
                    LogHttpError(_logger, _resource, code, Trim(e.Content));
                    retryAfter = RetryAfter(e);
                }
            }
            catch (ApiJsonException e)
            {
                // A malformed watch line ends the enumeration (KubeApiClient.WatchAsync): rewatch from the last good
                // resourceVersion after a pause (a LIST body that does not parse lands here too).
                CountError();
                LogBadWatchLine(_logger, _resource, e.Message);
            }
            catch (Exception e)
            {
                CountError();
                LogFailure(_logger, _resource, e.GetType().Name, e.Message);
            }

            if (_streamed)
            {
                // The last watch delivered events, so the server was healthy again: a new failure starts the backoff
                // from the beginning (recovery after an outage must not wait out a grown delay).
                failures = 0;
                _streamed = false;
            }
            var delay = Backoff(failures++);
            if (retryAfter is { } ra && ra > delay)
            {
                delay = ra < _timing.MaxBackoff ? ra : _timing.MaxBackoff;
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One complete paged LIST; replaces the store.</summary>
    public async Task ListAsync(CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<ObjectKey, TItem>();
        string? cont = null;
        string? rv = null;
        do
        {
            var page = await _list(cont, _timing.PageSize, cancellationToken).ConfigureAwait(false);
            rv ??= page.ResourceVersion;
            if (page.Items is { } items)
            {
                foreach (var o in items)
                {
                    if (o.Item is { } item)
                    {
                        fresh[Key(o)] = item;
                    }
                }
            }
            cont = page.Continue;
        }
        while (!string.IsNullOrEmpty(cont));
        // Grown by doubling while pages arrived: up to twice the entries a large cluster needs, kept for its life.
        fresh.TrimExcess();

        bool relevant;
        lock (_gate)
        {
            relevant = !_synced || Differs(_items, fresh);
            _items = fresh;
        }
        ResourceVersion = rv ?? "";
        Interlocked.Increment(ref _lists);
        _relistMetric.Inc();
        _objectsMetric.Set(fresh.Count);
        if (_synced)
        {
            LogRelisted(_logger, _resource, fresh.Count, ResourceVersion);
        }
        else
        {
            LogListed(_logger, _resource, fresh.Count, ResourceVersion);
        }
        // Report the change (the source stamps the SOA serial) before this reflector counts as synced: otherwise
        // another reflector's rebuild could publish the first synced snapshot and the serial would move after it.
        Changed?.Invoke(relevant);
        _synced = true;
        // And once more now that it is synced, so a rebuild surely sees it.
        Changed?.Invoke(false);
    }

    private async Task<WatchOutcome> WatchAsync(CancellationToken cancellationToken)
    {
        var timeout = Jitter(_timing.MinWatchTimeout, _timing.MaxWatchTimeout);
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var idle = _timing.IdleTimeout ?? TimeSpan.FromSeconds(timeoutSeconds + 30);
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var relist = false;
        var expired = false;
        var events = 0;
        var lastActivity = _time.GetTimestamp();
        var started = lastActivity;
        var watchdogFired = false;

        void OnError(Exception e)
        {
            Volatile.Write(ref lastActivity, _time.GetTimestamp());
            if (e is KubeWatchErrorException ke)
            {
                if (ke.Code == (int)HttpStatusCode.Gone)
                {
                    expired = true;
                    Interlocked.Increment(ref _expired);
                    _expiredMetric.Inc();
                    LogExpired(_logger, _resource, ResourceVersion);
                }
                else
                {
                    CountError();
                    LogWatchStatus(_logger, _resource, ke.Code, ke.StatusMessage);
                }
                // After an ERROR event the server ends the stream; the only safe continuation is a fresh LIST.
                relist = true;
                watchCts.Cancel();
            }
            else
            {
                CountError();
                LogBadWatchLine(_logger, _resource, e.Message);
            }
        }

        Interlocked.Increment(ref _watches);
        _watchMetric.Inc();
        var watchdog = WatchdogAsync();
        try
        {
            await foreach (var (type, obj) in _watch(ResourceVersion, timeoutSeconds, OnError, watchCts.Token).ConfigureAwait(false))
            {
                Volatile.Write(ref lastActivity, _time.GetTimestamp());
                events++;
                _streamed = true;
                Apply(type, obj);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested && watchCts.IsCancellationRequested)
        {
            // Cancelled by the watchdog or by a 410 (surfacing as cancellation or as an I/O error): handled below.
        }
        finally
        {
            watchCts.Cancel();
            await watchdog.ConfigureAwait(false);
        }

        if (relist)
        {
            return expired ? WatchOutcome.Relist : WatchOutcome.RelistAfterBackoff;
        }
        if (watchdogFired)
        {
            Interlocked.Increment(ref _watchdogFired);
            LogWatchdog(_logger, _resource, idle.TotalSeconds);
            return WatchOutcome.Ended;
        }
        var lived = _time.GetElapsedTime(started);
        if (lived >= _timing.HealthyAfter)
        {
            return WatchOutcome.Healthy;
        }
        return events == 0 && lived < TimeSpan.FromSeconds(1) ? WatchOutcome.EndedEarly : WatchOutcome.Ended;

        async Task WatchdogAsync()
        {
            var period = idle / 4;
            if (period < TimeSpan.FromMilliseconds(10))
            {
                period = TimeSpan.FromMilliseconds(10);
            }
            try
            {
                while (!watchCts.IsCancellationRequested)
                {
                    await Task.Delay(period, _time, watchCts.Token).ConfigureAwait(false);
                    if (_time.GetElapsedTime(Volatile.Read(ref lastActivity)) > idle)
                    {
                        watchdogFired = true;
                        await watchCts.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The watch ended.
            }
        }
    }

    private void CountError()
    {
        Interlocked.Increment(ref _errors);
        _errorMetric.Inc();
    }

    private void Apply(WatchEventType type, ApiObject<TItem> obj)
    {
        if (!string.IsNullOrEmpty(obj.ResourceVersion))
        {
            ResourceVersion = obj.ResourceVersion;
        }
        var key = Key(obj);
        bool relevant;
        int count;
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var item = obj.Item;
                if (item is null)
                {
                    return;
                }
                lock (_gate)
                {
                    relevant = !_items.TryGetValue(key, out var old) || !_same(old, item);
                    _items[key] = item;
                    count = _items.Count;
                }
                break;
            case WatchEventType.Deleted:
                lock (_gate)
                {
                    if (!_items.Remove(key))
                    {
                        return;
                    }
                    count = _items.Count;
                }
                relevant = true;
                break;
            default:
                // Bookmark: only the resourceVersion moves.
                return;
        }
        _objectsMetric.Set(count);
        Changed?.Invoke(relevant);
    }

    private bool Differs(Dictionary<ObjectKey, TItem> old, Dictionary<ObjectKey, TItem> fresh)
    {
        if (old.Count != fresh.Count)
        {
            return true;
        }
        foreach (var kv in fresh)
        {
            if (!old.TryGetValue(kv.Key, out var o) || !_same(o, kv.Value))
            {
                return true;
            }
        }
        return false;
    }

    private TimeSpan Backoff(int failures)
    {
        var baseMs = _timing.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20));
        var capped = Math.Min(baseMs, _timing.MaxBackoff.TotalMilliseconds);
        // Full jitter in [capped/2, capped]: many DNS pods must not hammer a recovering API server in lockstep.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static TimeSpan Jitter(TimeSpan min, TimeSpan max) =>
        max <= min ? min : min + ((max - min) * Random.Shared.NextDouble());

    /// <summary>Retry-After in seconds (the API server's form for 429 and 503); an HTTP date is not honoured.</summary>
    internal static TimeSpan? RetryAfter(KubeApiStatusException e) =>
        int.TryParse(e.RetryAfter, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    // The namespace interned (ApiObjectReader) and the name the item's own string: the key adds no text.
    private static ObjectKey Key(ApiObject<TItem> o) => new(o.Namespace, o.Name);

    private static string Trim(string? s) => s is null ? "" : s.Length > 300 ? s[..300] : s;

    /// <summary>An object's identity, holding the strings of its metadata (which the converted item shares).</summary>
    private readonly record struct ObjectKey(string Namespace, string Name);

    private enum WatchOutcome
    {
        Ended,
        EndedEarly,
        Healthy,
        Relist,
        RelistAfterBackoff,
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Relisted {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogRelisted(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Resource} expired at resourceVersion {ResourceVersion} (410 Gone); relisting")]
    private static partial void LogExpired(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "Access to {Resource} denied ({Code}): check the RBAC ClusterRole of the DNS service account (list and watch on {Resource}): {Body}")]
    private static partial void LogForbidden(ILogger logger, string resource, int code, string body);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kubernetes API request for {Resource} failed with HTTP {Code}: {Body}")]
    private static partial void LogHttpError(ILogger logger, string resource, int code, string body);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kubernetes API request for {Resource} failed: {Type}: {Message}")]
    private static partial void LogFailure(ILogger logger, string resource, string type, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Resource} returned error status {Code}: {Message}; relisting")]
    private static partial void LogWatchStatus(ILogger logger, string resource, int code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable data from the Kubernetes API for {Resource}: {Message}")]
    private static partial void LogBadWatchLine(ILogger logger, string resource, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Resource} silent for {Seconds:0.#}s; restarting it")]
    private static partial void LogWatchdog(ILogger logger, string resource, double seconds);
}
