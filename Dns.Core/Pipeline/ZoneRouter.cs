using Dns.Core.Protocol;

namespace Dns.Core.Pipeline;

/// <summary>
/// Picks the server block for a query name on one listener: the longest zone that is a suffix of the name
/// (walking from the full name towards the root), else <c>.</c>, else none (REFUSED). Reference §4.3.
/// </summary>
public sealed class ZoneRouter<T>
    where T : class
{
    private readonly Dictionary<string, T> _zones = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates an empty router.</summary>
    public ZoneRouter()
    {
        _lookup = _zones.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Zones served, lower-case FQDNs.</summary>
    public IEnumerable<string> Zones => _zones.Keys;

    /// <summary>Whether <paramref name="zone"/> is one of <see cref="Zones"/> (in any case).</summary>
    public bool Serves(string zone) => _zones.ContainsKey(zone);

    /// <summary>Adds a zone; false when it is there already.</summary>
    public bool TryAdd(string zone, T value) => _zones.TryAdd(zone, value);

    /// <summary>The block for <paramref name="name"/>, with the zone it matched.</summary>
    public T? Match(DnsName name, out string zone)
    {
        var text = name.Text.AsSpan();
        var i = 0;
        while (true)
        {
            var suffix = text[i..];
            if (_lookup.TryGetValue(suffix, out var key, out var value))
            {
                zone = key;
                return value;
            }
            var dot = NextLabel(text, i);
            if (dot < 0)
            {
                break;
            }
            i = dot;
        }
        if (_zones.TryGetValue(".", out var root))
        {
            zone = ".";
            return root;
        }
        zone = "";
        return null;
    }

    private static int NextLabel(ReadOnlySpan<char> text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] == '.')
            {
                return i + 1 < text.Length ? i + 1 : -1;
            }
        }
        return -1;
    }
}
