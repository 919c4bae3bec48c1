using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// One endpoint of an EndpointSlice. A cluster holds hundreds of thousands of these, so it is a 24-byte value kept
/// inline in its slice's array: the common case, one IPv4 address written as a plain dotted quad, is held as its
/// 32-bit value alone (no string, array or <see cref="IPAddress"/>; the text is the value's canonical form, since
/// Go-style parsing admits no other spelling); other addresses, a hostname and a targetRef name move to one extra
/// object; the low-cardinality targetRef kind, node and zone share one interned object. <c>default</c> is a ready
/// endpoint without addresses.
/// </summary>
public readonly struct EndpointInfo
{
    private const byte SingleV4 = 1;
    private const byte NotReady = 2;

    private readonly uint _v4;
    private readonly byte _flags;
    private readonly Extra? _extra;
    private readonly Placement? _placement;

    /// <summary>An endpoint without addresses, ready.</summary>
    public EndpointInfo()
    {
    }

    /// <summary><c>addresses</c> exactly as written (endpoint names are derived from this text: 172-0-0-2).</summary>
    public IReadOnlyList<string> AddressTexts
    {
        get => (_flags & SingleV4) != 0 ? [AddressText(0)] : _extra?.Texts ?? [];
        init
        {
            if (value.Count == 1 && IpText.TryParseV4(value[0], out var v4))
            {
                _v4 = v4;
                _flags |= SingleV4;
                _extra = _extra is null ? null : _extra with { Texts = [], Parsed = [] };
                return;
            }
            var texts = new string[value.Count];
            var parsed = new IPAddress?[value.Count];
            for (var i = 0; i < texts.Length; i++)
            {
                texts[i] = value[i];
                parsed[i] = KubeObjectConverter.TryParseIP(value[i], out var ip) ? ip : null;
            }
            _v4 = 0;
            _flags &= unchecked((byte)~SingleV4);
            _extra = texts.Length == 0 && _extra is null ? null : (_extra ?? Extra.None) with { Texts = texts, Parsed = parsed };
        }
    }

    /// <summary>How many addresses were written.</summary>
    public int AddressCount => (_flags & SingleV4) != 0 ? 1 : _extra?.Texts.Length ?? 0;

    /// <summary>Address <paramref name="i"/> as written.</summary>
    public string AddressText(int i) => (_flags & SingleV4) != 0 ? FormatV4(_v4, '.') : _extra!.Texts[i];

    /// <summary>Address <paramref name="i"/> parsed (IPv4-mapped IPv6 as IPv4), null when it is not an address.</summary>
    public IPAddress? Address(int i) =>
        (_flags & SingleV4) != 0 ? new IPAddress(BinaryPrimitives.ReverseEndianness(_v4) & 0xFFFFFFFFL) : _extra!.Parsed[i];

    /// <summary>Address <paramref name="i"/> as an endpoint name: dots or colons to dashes, a trailing dash gets a 0.</summary>
    public string DashedAddress(int i) => (_flags & SingleV4) != 0 ? FormatV4(_v4, '-') : IpText.Dashed(_extra!.Texts[i]);

    /// <summary>The value of address <paramref name="i"/> when it is IPv4 (index keys without allocating).</summary>
    internal bool TryGetIPv4(int i, out uint value)
    {
        if ((_flags & SingleV4) != 0)
        {
            value = _v4;
            return true;
        }
        value = 0;
        return _extra!.Parsed[i] is { AddressFamily: AddressFamily.InterNetwork } a && AddressIndexKey.TryV4(a, out value);
    }

    /// <summary>Same addresses, as written, as <paramref name="other"/>.</summary>
    internal bool SameAddresses(in EndpointInfo other)
    {
        var single = (_flags & SingleV4) != 0;
        if (single || (other._flags & SingleV4) != 0)
        {
            return single && (other._flags & SingleV4) != 0 && _v4 == other._v4;
        }
        return (_extra?.Texts ?? []).AsSpan().SequenceEqual(other._extra?.Texts ?? []);
    }

    /// <summary><c>hostname</c>.</summary>
    public string? Hostname
    {
        get => _extra?.Hostname;
        init => _extra = value is null && _extra is null ? null : (_extra ?? Extra.None) with { Hostname = value };
    }

    /// <summary><c>targetRef.name</c>.</summary>
    public string? TargetRefName
    {
        get => _extra?.TargetRefName;
        init => _extra = value is null && _extra is null ? null : (_extra ?? Extra.None) with { TargetRefName = value };
    }

    /// <summary><c>targetRef.kind</c>.</summary>
    public string? TargetRefKind { get => _placement?.Kind; init => _placement = Placement.Of(value, NodeName, Zone); }

    /// <summary><c>nodeName</c>.</summary>
    public string? NodeName { get => _placement?.Node; init => _placement = Placement.Of(TargetRefKind, value, Zone); }

    /// <summary><c>zone</c> (topology zone).</summary>
    public string? Zone { get => _placement?.Zone; init => _placement = Placement.Of(TargetRefKind, NodeName, value); }

    /// <summary><c>conditions.ready</c> is nil or true (CoreDNS ignores serving/terminating).</summary>
    public bool Ready
    {
        get => (_flags & NotReady) == 0;
        init => _flags = value ? (byte)(_flags & ~NotReady) : (byte)(_flags | NotReady);
    }

    private static string FormatV4(uint v, char separator) => string.Create(null, stackalloc char[16],
        $"{v >> 24}{separator}{(v >> 16) & 0xFF}{separator}{(v >> 8) & 0xFF}{separator}{v & 0xFF}");

    /// <summary>What few endpoints have: addresses other than one plain IPv4, a hostname, a kept targetRef name.</summary>
    private sealed record Extra(string[] Texts, IPAddress?[] Parsed, string? Hostname, string? TargetRefName)
    {
        public static readonly Extra None = new([], [], null, null);
    }

    /// <summary>targetRef kind, node name and zone: few distinct combinations in a cluster, one shared object each.</summary>
    private sealed record Placement(string? Kind, string? Node, string? Zone)
    {
        private static readonly ConcurrentDictionary<Placement, Placement> Table = new();

        public static Placement? Of(string? kind, string? node, string? zone)
        {
            if (kind is null && node is null && zone is null)
            {
                return null;
            }
            var p = new Placement(SharedText.InternOrNull(kind), SharedText.InternOrNull(node), SharedText.InternOrNull(zone));
            return Table.GetOrAdd(p, p);
        }
    }
}
