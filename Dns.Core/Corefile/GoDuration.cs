using System.Globalization;

namespace Dns.Core.Corefile;

/// <summary>
/// Go's <c>time.ParseDuration</c>, which CoreDNS uses for every duration in a Corefile: a sequence of decimal
/// numbers with a unit each (<c>300ms</c>, <c>1.5h</c>, <c>2h45m</c>), units <c>ns us µs ms s m h</c>, an optional
/// sign, and a bare <c>0</c>.
/// </summary>
public static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a Go duration.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.SequenceEqual("0"))
        {
            return true;
        }
        if (s.IsEmpty)
        {
            return false;
        }
        decimal totalNs = 0;
        while (!s.IsEmpty)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == 0 || s[..i].SequenceEqual("."))
            {
                return false;
            }
            if (!decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            s = s[i..];
            var u = 0;
            while (u < s.Length && !char.IsAsciiDigit(s[u]) && s[u] != '.')
            {
                u++;
            }
            decimal unit = s[..u] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unit < 0)
            {
                return false;
            }
            totalNs += number * unit;
            if (totalNs > long.MaxValue)
            {
                return false;
            }
            s = s[u..];
        }
        var ticks = (long)(totalNs / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Go's rendering of a duration (<c>30s</c>, <c>5m0s</c>, <c>1h0m0s</c>, <c>100ms</c>), as CoreDNS prints it in logs.</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero)
        {
            return "0s";
        }
        var neg = d < TimeSpan.Zero;
        var ticks = Math.Abs(d.Ticks);
        string body;
        if (ticks < TimeSpan.TicksPerSecond)
        {
            var ns = ticks * 100;
            body = ns < 1_000 ? ns.ToString(CultureInfo.InvariantCulture) + "ns"
                : ns < 1_000_000 ? Trim(ns / 1_000m) + "µs"
                : Trim(ns / 1_000_000m) + "ms";
        }
        else
        {
            var h = ticks / TimeSpan.TicksPerHour;
            var m = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
            var sec = ticks % TimeSpan.TicksPerMinute / (decimal)TimeSpan.TicksPerSecond;
            body = h > 0 ? $"{h}h{m}m{Trim(sec)}s" : m > 0 ? $"{m}m{Trim(sec)}s" : Trim(sec) + "s";
        }
        return neg ? "-" + body : body;
    }

    private static string Trim(decimal v) => v.ToString("0.#########", CultureInfo.InvariantCulture);
}
