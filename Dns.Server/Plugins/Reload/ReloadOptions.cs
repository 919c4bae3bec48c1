namespace Dns.Server.Plugins.Reload;

/// <summary><c>reload [INTERVAL [JITTER]]</c>, jitter already capped at half the interval.</summary>
internal sealed record ReloadOptions(TimeSpan Interval, TimeSpan Jitter)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultJitter = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MinJitter = TimeSpan.FromSeconds(1);

    /// <summary>The period actually used: interval plus a random offset in [-jitter/2, jitter/2), as CoreDNS picks it.</summary>
    public TimeSpan Pick(Random random)
    {
        var j = Jitter.Ticks;
        return Interval + TimeSpan.FromTicks(random.NextInt64(j) - j / 2);
    }
}
