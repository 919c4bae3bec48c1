using Dns.Core.Corefile;

namespace Dns.Core.Tests.Corefile;

/// <summary>Go's time.ParseDuration and Duration.String, which CoreDNS uses for every duration.</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("2h45m", 165 * TimeSpan.TicksPerMinute)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData(".5s", 5 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("5.s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("-1.5s", -15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("100ns", 1L)]
    [InlineData("10us", 100L)]
    [InlineData("10µs", 100L)]
    [InlineData("10μs", 100L)]
    [InlineData("1h1m1s1ms", TimeSpan.TicksPerHour + TimeSpan.TicksPerMinute + TimeSpan.TicksPerSecond + TimeSpan.TicksPerMillisecond)]
    public void TryParse_GoDuration_Parses(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("00")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("1..5s")]
    [InlineData("5 s")]
    [InlineData("5d")]
    [InlineData("1h-5m")]
    [InlineData("-")]
    [InlineData("3000000h")]
    public void TryParse_NotAGoDuration_ReturnsFalse(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30 * TimeSpan.TicksPerSecond, "30s")]
    [InlineData(5 * TimeSpan.TicksPerMinute, "5m0s")]
    [InlineData(TimeSpan.TicksPerHour, "1h0m0s")]
    [InlineData(100 * TimeSpan.TicksPerMillisecond, "100ms")]
    [InlineData(15 * TimeSpan.TicksPerSecond / 10, "1.5s")]
    [InlineData(15L, "1.5µs")]
    [InlineData(1L, "100ns")]
    [InlineData(-2 * TimeSpan.TicksPerSecond, "-2s")]
    public void Format_Duration_IsGoString(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }
}
