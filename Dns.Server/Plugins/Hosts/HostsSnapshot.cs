using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Hosts;

/// <summary>
/// The parsed hosts data, immutable: names to pre-built A/AAAA records, <c>*.parent</c> wildcards, and addresses
/// to pre-built PTR records. Queries read it without locks; a reload builds a new one and swaps the reference.
/// </summary>
internal sealed class HostsSnapshot
{
    private const string WildcardKeyPrefix = "\u0001";

    private readonly Dictionary<string, Entry> _names;
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly Dictionary<string, Entry> _wildcards;
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly Dictionary<IPAddress, DnsRecord[]> _reverse;

    private HostsSnapshot(Dictionary<string, Entry> names, Dictionary<string, Entry> wildcards, Dictionary<IPAddress, DnsRecord[]> reverse, int count)
    {
        _names = names;
        _nameLookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcards = wildcards;
        _wildcardLookup = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        _reverse = reverse;
        Count = count;
    }

    /// <summary>An empty snapshot.</summary>
    public static HostsSnapshot Empty { get; } = Build([], HostsOptions.DefaultTtl);

    /// <summary>Addresses by name plus names by address, as CoreDNS's <c>coredns_hosts_entries</c> counts them.</summary>
    public int Count { get; }

    /// <summary>The addresses of one name, as records ready to answer with (owner is the lower-cased name).</summary>
    public sealed class Entry(DnsRecord[] a, DnsRecord[] aaaa)
    {
        public DnsRecord[] A { get; } = a;

        public DnsRecord[] Aaaa { get; } = aaaa;

        public bool IsWildcard { get; init; }
    }

    /// <summary>The entry for <paramref name="name"/>: its own, else a <c>*.parent</c> wildcard one label up.</summary>
    public Entry? Find(DnsName name)
    {
        var text = name.Text.AsSpan();
        if (_nameLookup.TryGetValue(text, out var e))
        {
            return e;
        }
        if (_wildcards.Count == 0)
        {
            return null;
        }
        var dot = FirstLabelEnd(text);
        if (dot < 0 || dot + 1 >= text.Length)
        {
            return null;
        }
        return _wildcardLookup.TryGetValue(text[(dot + 1)..], out e) ? e : null;
    }

    /// <summary>PTR records for an address (owner is the reverse name), or null.</summary>
    public DnsRecord[]? FindReverse(IPAddress address) => _reverse.TryGetValue(address, out var r) ? r : null;

    private static int FirstLabelEnd(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] == '.')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>One usable hosts line entry: an address and a normalised name.</summary>
    internal readonly record struct HostEntry(IPAddress Address, DnsName Name, bool Wildcard);

    /// <summary>
    /// Parses hosts(5) text: <c>ADDRESS NAME [ALIASES...]</c>, <c>#</c> comments, lines with fewer than two fields or
    /// a bad address skipped, IPv6 zones dropped, IPv4-mapped IPv6 treated as IPv4, names lower-cased FQDNs and kept
    /// only inside <paramref name="origins"/>.
    /// </summary>
    public static List<HostEntry> Parse(TextReader reader, IReadOnlyList<DnsName> origins)
    {
        var result = new List<HostEntry>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }
            var f = line.Split((char[])[' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2)
            {
                continue;
            }
            var addr = ParseAddress(f[0]);
            if (addr is null)
            {
                continue;
            }
            for (var i = 1; i < f.Length; i++)
            {
                var text = f[i].ToLowerInvariant();
                if (!text.EndsWith('.'))
                {
                    text += ".";
                }
                if (!DnsName.TryParse(text, out var name) || !InOrigins(name, origins))
                {
                    continue;
                }
                var wildcard = name.LabelCount > 1 && name.GetLabel(0) == "*";
                result.Add(new HostEntry(addr, name, wildcard));
            }
        }
        return result;
    }

    private static bool InOrigins(DnsName name, IReadOnlyList<DnsName> origins)
    {
        foreach (var o in origins)
        {
            if (name.IsSubdomainOf(o))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Go's <c>net.ParseIP</c> (after dropping an IPv6 zone): dotted quad without leading zeros, or IPv6.</summary>
    internal static IPAddress? ParseAddress(string s)
    {
        var pct = s.IndexOf('%', StringComparison.Ordinal);
        if (pct >= 0)
        {
            s = s[..pct];
        }
        if (s.Contains(':', StringComparison.Ordinal))
        {
            if (s.StartsWith('[') || !IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return null;
            }
            v6.ScopeId = 0;
            return v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
        }
        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }
        Span<byte> b = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0')
                || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out b[i]))
            {
                return null;
            }
        }
        return new IPAddress(b);
    }

    /// <summary>Builds the lookup tables from entries in order (file first, then inline, as CoreDNS concatenates them).</summary>
    public static HostsSnapshot Build(IEnumerable<HostEntry> entries, uint ttl, bool autoReverse = true)
    {
        var v4 = new Dictionary<string, (DnsName Name, List<IPAddress> List)>(StringComparer.OrdinalIgnoreCase);
        var v6 = new Dictionary<string, (DnsName Name, List<IPAddress> List)>(StringComparer.OrdinalIgnoreCase);
        var rev = new Dictionary<IPAddress, List<DnsName>>();
        var count = 0;
        foreach (var e in entries)
        {
            var map = e.Address.AddressFamily == AddressFamily.InterNetwork ? v4 : v6;
            var key = (e.Wildcard ? WildcardKeyPrefix : "") + e.Name.Text;
            if (!map.TryGetValue(key, out var slot))
            {
                slot = (e.Name, []);
                map[key] = slot;
            }
            slot.List.Add(e.Address);
            count++;
            if (!autoReverse || e.Wildcard)
            {
                continue;
            }
            if (!rev.TryGetValue(e.Address, out var names))
            {
                names = [];
                rev[e.Address] = names;
            }
            names.Add(e.Name);
            count++;
        }

        var exact = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        var wild = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(v4.Keys, StringComparer.OrdinalIgnoreCase);
        keys.UnionWith(v6.Keys);
        foreach (var key in keys)
        {
            v4.TryGetValue(key, out var a);
            v6.TryGetValue(key, out var aaaa);
            var name = a.Name ?? aaaa.Name!;
            var wildcard = key.StartsWith(WildcardKeyPrefix, StringComparison.Ordinal);
            var entry = new Entry(Records(name, a.List, ttl, v6: false), Records(name, aaaa.List, ttl, v6: true)) { IsWildcard = wildcard };
            if (wildcard)
            {
                wild[name.Parent().Text] = entry;
            }
            else
            {
                exact[name.Text] = entry;
            }
        }

        var reverse = new Dictionary<IPAddress, DnsRecord[]>(rev.Count);
        foreach (var (addr, names) in rev)
        {
            var owner = DnsName.Parse(ReverseName(addr));
            var records = new DnsRecord[names.Count];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = new PtrRecord(owner, ttl, names[i]);
            }
            reverse[addr] = records;
        }
        return new HostsSnapshot(exact, wild, reverse, count);
    }

    private static DnsRecord[] Records(DnsName name, List<IPAddress>? addresses, uint ttl, bool v6)
    {
        if (addresses is null)
        {
            return [];
        }
        var records = new DnsRecord[addresses.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = v6 ? new AaaaRecord(name, ttl, addresses[i]) : new ARecord(name, ttl, addresses[i]);
        }
        return records;
    }

    /// <summary>The <c>in-addr.arpa.</c> / <c>ip6.arpa.</c> name of an address (RFC 1035 §3.5, RFC 3596 §2.5).</summary>
    internal static string ReverseName(IPAddress addr)
    {
        var b = addr.GetAddressBytes();
        var sb = new System.Text.StringBuilder(73);
        if (b.Length == 4)
        {
            for (var i = 3; i >= 0; i--)
            {
                sb.Append(b[i]).Append('.');
            }
            return sb.Append("in-addr.arpa.").ToString();
        }
        for (var i = 15; i >= 0; i--)
        {
            sb.Append("0123456789abcdef"[b[i] & 0xF]).Append('.').Append("0123456789abcdef"[b[i] >> 4]).Append('.');
        }
        return sb.Append("ip6.arpa.").ToString();
    }

    /// <summary>
    /// The address a reverse name stands for (CoreDNS's <c>ExtractAddressFromReverse</c>): four decimal labels under
    /// <c>in-addr.arpa.</c> or 32 nibbles under <c>ip6.arpa.</c>; null otherwise.
    /// </summary>
    internal static IPAddress? AddressFromReverse(DnsName name)
    {
        var n = name.LabelCount;
        if (n == 6 && name.GetLabel(4).Equals("in-addr", StringComparison.OrdinalIgnoreCase) && name.GetLabel(5).Equals("arpa", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> b = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                var l = name.GetLabelBytes(3 - i);
                if (l.Length is 0 or > 3 || (l.Length > 1 && l[0] == '0'))
                {
                    return null;
                }
                var v = 0;
                foreach (var c in l)
                {
                    if (c is < (byte)'0' or > (byte)'9')
                    {
                        return null;
                    }
                    v = (v * 10) + (c - '0');
                }
                if (v > 255)
                {
                    return null;
                }
                b[i] = (byte)v;
            }
            return new IPAddress(b);
        }
        if (n == 34 && name.GetLabel(32).Equals("ip6", StringComparison.OrdinalIgnoreCase) && name.GetLabel(33).Equals("arpa", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> b = stackalloc byte[16];
            for (var i = 0; i < 32; i++)
            {
                var l = name.GetLabelBytes(31 - i);
                if (l.Length != 1)
                {
                    return null;
                }
                var v = HexValue(l[0]);
                if (v < 0)
                {
                    return null;
                }
                b[i / 2] |= (byte)((i % 2 == 0) ? v << 4 : v);
            }
            var ip = new IPAddress(b);
            return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        }
        return null;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
