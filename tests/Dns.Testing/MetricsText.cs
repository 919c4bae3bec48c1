namespace Dns.Testing;

/// <summary>Reads the Prometheus text format that the metrics registry exports.</summary>
public static class MetricsText
{
    /// <summary>The value of one sample line of a Prometheus export, or 0.</summary>
    public static double Sample(string export, string nameWithLabels)
    {
        foreach (var line in export.Split('\n'))
        {
            if (line.StartsWith(nameWithLabels + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(nameWithLabels.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
