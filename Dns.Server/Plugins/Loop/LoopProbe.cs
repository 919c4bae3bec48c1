using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Loop;

/// <summary>
/// Sends the probe to our own listener after start: up to 30 s, one try a second until one is answered, then turns
/// the plugin off 2 s later (time for a looping probe to come round again).
/// </summary>
internal sealed class LoopProbe
{
    /// <summary>Sends a query and says whether any reply came back (CoreDNS's <c>dns.Exchange</c>, 2 s timeout).</summary>
    public delegate Task<bool> Sender(DnsMessage query, IPEndPoint target, CancellationToken cancellationToken);

    private readonly LoopPlugin _plugin;
    private readonly Sender _send;
    private readonly TimeProvider _time;

    public LoopProbe(LoopPlugin plugin, Sender? send = null, TimeProvider? time = null)
    {
        _plugin = plugin;
        _send = send ?? ExchangeUdpAsync;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long to keep trying (CoreDNS: 30 s).</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause after a try that got no answer.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the plugin keeps counting after the probe was answered.</summary>
    public TimeSpan DisableDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs the probe against <paramref name="target"/>; returns once it was answered or gave up.</summary>
    public async Task RunAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + Deadline;
        try
        {
            while (_time.GetUtcNow() < deadline)
            {
                var query = DnsMessage.CreateQuery(_plugin.ProbeName, DnsRecordType.Hinfo, (ushort)Random.Shared.Next(ushort.MaxValue + 1));
                if (await _send(query, target, cancellationToken).ConfigureAwait(false))
                {
                    _ = DisableLaterAsync(cancellationToken);
                    return;
                }
                _plugin.Reset();
                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The configuration went away.
        }
        _plugin.Disable();
    }

    private async Task DisableLaterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(DisableDelay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _plugin.Disable();
    }

    private static async Task<bool> ExchangeUdpAsync(DnsMessage query, IPEndPoint target, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(target.AddressFamily);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            var bytes = query.ToArray();
            await udp.SendAsync(bytes, target, cts.Token).ConfigureAwait(false);
            while (true)
            {
                var r = await udp.ReceiveAsync(cts.Token).ConfigureAwait(false);
                if (r.Buffer.Length >= 2 && r.Buffer[0] == bytes[0] && r.Buffer[1] == bytes[1])
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
