using System.Diagnostics;

namespace Dns.Server.Transport;

/// <summary>
/// When a receive thread should poll instead of sleeping: the datagram rate over the last millisecond or so. Polling
/// pays only when the next datagram is due within microseconds; at lower rates the thread blocks as before.
/// </summary>
internal struct ReceiveSpin
{
    /// <summary>The rate (datagrams a second) from which the thread polls.</summary>
    public const int MinRate = 50_000;

    private static readonly long Period = Stopwatch.Frequency / 1000;

    private readonly long _limitTicks;
    private long _periodStart;
    private int _count;
    private bool _active;

    /// <summary>Polls for at most <paramref name="microseconds"/> (0: never).</summary>
    public ReceiveSpin(int microseconds)
    {
        _limitTicks = Stopwatch.Frequency * microseconds / 1_000_000;
    }

    /// <summary>True when the recent rate makes polling worthwhile.</summary>
    public readonly bool Active => _active;

    /// <summary>The time to poll until.</summary>
    public readonly long PollUntil() => Stopwatch.GetTimestamp() + _limitTicks;

    /// <summary><paramref name="count"/> datagrams arrived at <paramref name="now"/>.</summary>
    public void Arrived(int count, long now)
    {
        _count += count;
        var elapsed = now - _periodStart;
        if (elapsed >= Period)
        {
            // count / seconds >= MinRate, without division.
            _active = _limitTicks > 0 && (long)_count * Stopwatch.Frequency >= (long)MinRate * elapsed;
            _periodStart = now;
            _count = 0;
        }
    }
}
