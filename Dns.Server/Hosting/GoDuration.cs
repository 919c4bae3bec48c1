using System.Globalization;
using System.Text;

namespace Dns.Server.Hosting;

/// <summary>Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, for Corefile arguments and log lines.</summary>
internal static class GoDuration
{
    /// <summary>Parses <c>30s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>500ms</c>, <c>0</c>; false otherwise.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }
        decimal totalNs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (start == i || !decimal.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            decimal scale = s[unitStart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (scale < 0)
            {
                return false;
            }
            totalNs += number * scale;
        }
        var ticks = totalNs / 100m;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }
        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Formats like Go: <c>5s</c>, <c>1m30s</c>, <c>1h0m0s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        if (d < TimeSpan.Zero)
        {
            sb.Append('-');
            d = d.Negate();
        }
        if (d < TimeSpan.FromSeconds(1))
        {
            var ns = d.Ticks * 100;
            if (ns < 1_000)
            {
                return sb.Append(ns.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            }
            if (ns < 1_000_000)
            {
                return sb.Append(Trim(ns / 1_000m)).Append("µs").ToString();
            }
            return sb.Append(Trim(ns / 1_000_000m)).Append("ms").ToString();
        }
        var hours = (long)d.TotalHours;
        var minutes = d.Minutes;
        var seconds = d.Ticks % TimeSpan.TicksPerMinute / (decimal)TimeSpan.TicksPerSecond;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }
        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }
        sb.Append(Trim(seconds)).Append('s');
        return sb.ToString();
    }

    private static string Trim(decimal v)
    {
        var s = v.ToString("0.#########", CultureInfo.InvariantCulture);
        return s;
    }
}
