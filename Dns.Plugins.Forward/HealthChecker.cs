using Dns.Core.Protocol;

namespace Dns.Plugins.Forward;

/// <summary>
/// In-band health checking of one upstream (CoreDNS <c>plugin/pkg/proxy/health.go</c>): after a network error a single
/// probe loop sends <c>&lt;domain&gt; IN NS</c> every interval until any reply arrives (SERVFAIL and REFUSED count as
/// healthy); each failed probe adds one to the upstream's failure count, a reply resets it to 0.
/// </summary>
internal sealed class HealthChecker : IDisposable
{
    private readonly Upstream _upstream;
    private readonly TimeSpan _interval;
    private readonly DnsMessage _probe;
    private readonly bool _tcp;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _stop = new();
    private int _running;

    public HealthChecker(Upstream upstream, ForwardOptions options)
    {
        _upstream = upstream;
        _interval = options.HealthCheckInterval;
        _probe = DnsMessage.CreateQuery(options.HealthCheckDomain, DnsRecordType.Ns, recursionDesired: options.HealthCheckRecursionDesired);
        _tcp = options.ForceTcp;
        // CoreDNS probes with a 1 s read timeout; a shorter read_timeout shortens it too.
        _timeout = options.ReadTimeout < TimeSpan.FromSeconds(1) ? options.ReadTimeout : TimeSpan.FromSeconds(1);
    }

    /// <summary>True while a probe loop runs.</summary>
    public bool Running => Volatile.Read(ref _running) != 0;

    /// <summary>Starts the probe loop unless one is already running (single flight).</summary>
    public void Trigger()
    {
        if (_stop.IsCancellationRequested || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }
        _ = Task.Run(LoopAsync);
    }

    /// <summary>One probe: true when the upstream replied at all.</summary>
    public async Task<bool> CheckAsync()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(_timeout);
        var r = await _upstream.ExchangeAsync(_probe, _tcp, cts.Token, probe: true).ConfigureAwait(false);
        if (r.CachedClosed)
        {
            r = await _upstream.ExchangeAsync(_probe, _tcp, cts.Token, probe: true).ConfigureAwait(false);
        }
        if (r.Reply is not null)
        {
            _upstream.RecordHealthy();
            return true;
        }
        if (!_stop.IsCancellationRequested)
        {
            _upstream.HealthCheckFailures.Inc();
            _upstream.RecordHealthFailure();
        }
        return false;
    }

    private async Task LoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (await CheckAsync().ConfigureAwait(false))
                {
                    return;
                }
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose()
    {
        // Not disposed: a probe in flight may still link to its token.
        _stop.Cancel();
    }
}
