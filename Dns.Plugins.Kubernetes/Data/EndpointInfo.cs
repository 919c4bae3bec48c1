using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// One endpoint of an EndpointSlice. A cluster holds hundreds of thousands of these, so the layout is compact: the
/// common case, one IPv4 address written as a plain dotted quad, is kept as its 32-bit value alone (no string, array
/// or <see cref="IPAddress"/> per endpoint; the text is the value's canonical form, since Go-style parsing admits no
/// other spelling), and the low-cardinality targetRef kind, node and zone share one interned object.
/// </summary>
public sealed class EndpointInfo
{
    private static readonly AddressList NoAddresses = new([], []);

    private uint _v4;
    private AddressList? _list = NoAddresses; // null: the single address _v4
    private Placement _placement = Placement.None;

    /// <summary><c>addresses</c> exactly as written (endpoint names are derived from this text: 172-0-0-2).</summary>
    public IReadOnlyList<string> AddressTexts
    {
        get
        {
            if (_list is { } l)
            {
                return l.Texts;
            }
            return [AddressText(0)];
        }
        init
        {
            if (value.Count == 1 && IsPlainIPv4(value[0], out var v4))
            {
                _v4 = v4;
                _list = null;
                return;
            }
            var texts = new string[value.Count];
            var parsed = new IPAddress?[value.Count];
            for (var i = 0; i < texts.Length; i++)
            {
                texts[i] = value[i];
                parsed[i] = KubeObjectConverter.TryParseIP(value[i], out var ip) ? ip : null;
            }
            _list = texts.Length == 0 ? NoAddresses : new AddressList(texts, parsed);
        }
    }

    /// <summary>The valid addresses of <see cref="AddressTexts"/> (a new list; the query path uses <see cref="Address"/>).</summary>
    public IReadOnlyList<IPAddress> Addresses
    {
        get
        {
            var list = new List<IPAddress>(AddressCount);
            for (var i = 0; i < AddressCount; i++)
            {
                if (Address(i) is { } a)
                {
                    list.Add(a);
                }
            }
            return list;
        }
    }

    /// <summary>How many addresses were written.</summary>
    public int AddressCount => _list?.Texts.Length ?? 1;

    /// <summary>Address <paramref name="i"/> as written.</summary>
    public string AddressText(int i) => _list is { } l ? l.Texts[i] : FormatV4(_v4, '.');

    /// <summary>Address <paramref name="i"/> parsed (IPv4-mapped IPv6 as IPv4), null when it is not an address.</summary>
    public IPAddress? Address(int i) =>
        _list is { } l ? l.Parsed[i] : new IPAddress(BinaryPrimitives.ReverseEndianness(_v4) & 0xFFFFFFFFL);

    /// <summary>Address <paramref name="i"/> as an endpoint name: dots or colons to dashes, a trailing dash gets a 0.</summary>
    public string DashedAddress(int i) => _list is { } l ? IpText.Dashed(l.Texts[i]) : FormatV4(_v4, '-');

    /// <summary>The value of address <paramref name="i"/> when it is IPv4 (index keys without allocating).</summary>
    internal bool TryGetIPv4(int i, out uint value)
    {
        if (_list is not { } l)
        {
            value = _v4;
            return true;
        }
        value = 0;
        return l.Parsed[i] is { AddressFamily: AddressFamily.InterNetwork } a && AddressIndexKey.TryV4(a, out value);
    }

    /// <summary>Same addresses, as written, as <paramref name="other"/>.</summary>
    internal bool SameAddresses(EndpointInfo other)
    {
        if (_list is null || other._list is null)
        {
            return _list is null && other._list is null && _v4 == other._v4;
        }
        return _list.Texts.AsSpan().SequenceEqual(other._list.Texts);
    }

    /// <summary><c>hostname</c>.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>targetRef.name</c>.</summary>
    public string? TargetRefName { get; init; }

    /// <summary><c>targetRef.kind</c>.</summary>
    public string? TargetRefKind { get => _placement.Kind; init => _placement = Placement.Of(value, _placement.Node, _placement.Zone); }

    /// <summary><c>nodeName</c>.</summary>
    public string? NodeName { get => _placement.Node; init => _placement = Placement.Of(_placement.Kind, value, _placement.Zone); }

    /// <summary><c>zone</c> (topology zone).</summary>
    public string? Zone { get => _placement.Zone; init => _placement = Placement.Of(_placement.Kind, _placement.Node, value); }

    /// <summary><c>conditions.ready</c> is nil or true (CoreDNS ignores serving/terminating).</summary>
    public bool Ready { get; init; } = true;

    /// <summary>Go-style strict dotted quad (four decimal parts, no leading zeros), as its big-endian value.</summary>
    internal static bool IsPlainIPv4(string text, out uint value)
    {
        value = 0;
        uint part = 0;
        var digits = 0;
        var dots = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (digits == 0 || ++dots > 3)
                {
                    return false;
                }
                value = (value << 8) | part;
                part = 0;
                digits = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                if (++digits > 3 || (digits == 2 && text[i - 1] == '0'))
                {
                    return false;
                }
                part = (part * 10) + (uint)(c - '0');
                if (part > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
        if (dots != 3 || digits == 0)
        {
            return false;
        }
        value = (value << 8) | part;
        return true;
    }

    private static string FormatV4(uint v, char separator) => string.Create(null, stackalloc char[16],
        $"{v >> 24}{separator}{(v >> 16) & 0xFF}{separator}{(v >> 8) & 0xFF}{separator}{v & 0xFF}");

    private sealed record AddressList(string[] Texts, IPAddress?[] Parsed);

    /// <summary>targetRef kind, node name and zone: few distinct combinations in a cluster, one shared object each.</summary>
    private sealed record Placement(string? Kind, string? Node, string? Zone)
    {
        private static readonly ConcurrentDictionary<Placement, Placement> Table = new();

        public static readonly Placement None = new(null, null, null);

        public static Placement Of(string? kind, string? node, string? zone)
        {
            var p = new Placement(SharedText.InternOrNull(kind), SharedText.InternOrNull(node), SharedText.InternOrNull(zone));
            if (p == None)
            {
                return None;
            }
            return Table.GetOrAdd(p, p);
        }
    }
}
