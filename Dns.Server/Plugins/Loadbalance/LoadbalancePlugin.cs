using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Loadbalance;

/// <summary>
/// Shuffles the reply on its way out (CoreDNS's LoadBalanceResponseWriter): NOERROR replies other than AXFR/IXFR get
/// every section reordered: a section of only A or only AAAA records is shuffled; any other keeps CNAMEs first (glibc
/// wants them before the addresses), then the other types, then the shuffled A/AAAA, then the shuffled MX. The reply
/// may be shared (a cache entry), so the shuffle works on a copy with new section lists.
/// </summary>
internal sealed class LoadbalancePlugin : IDnsPlugin, IReplaySafe
{
    private readonly LoadbalanceOptions _options;

    public LoadbalancePlugin(LoadbalanceOptions options) => _options = options;

    public string Name => "loadbalance";

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var vt = next(context);
        if (!vt.IsCompletedSuccessfully)
        {
            return Await(vt, context);
        }
        Apply(context);
        return default;
    }

    private async ValueTask Await(ValueTask vt, DnsContext context)
    {
        await vt.ConfigureAwait(false);
        Apply(context);
    }

    private void Apply(DnsContext context)
    {
        var r = context.Response;
        if (r is null || r.ResponseCode != ResponseCode.NoError || r.Questions.Count == 0)
        {
            return;
        }
        var qtype = r.Questions[0].Type;
        if (qtype is DnsRecordType.Axfr or DnsRecordType.Ixfr)
        {
            return;
        }
        if (r.Answers.Count <= 1 && r.Authority.Count <= 1 && r.Additional.Count <= 1)
        {
            return;
        }
        // A shuffled order is drawn per reply: a replay shuffles the address records again; anything else that is
        // reordered (MX, or a preference among addresses) is not replayed.
        if (_options.Prefer.Count > 0 || CountOf(r.Answers, DnsRecordType.Mx) > 1 || CountOf(r.Authority, DnsRecordType.Mx) > 1
            || CountOf(r.Additional, DnsRecordType.Mx) > 1)
        {
            context.DisableReplay();
        }
        else
        {
            context.ShuffleAddressesOnReplay(
                (CountOf(r.Answers, DnsRecordType.A) + CountOf(r.Answers, DnsRecordType.Aaaa) > 1 ? ReplaySections.Answer : 0)
                | (CountOf(r.Authority, DnsRecordType.A) + CountOf(r.Authority, DnsRecordType.Aaaa) > 1 ? ReplaySections.Authority : 0)
                | (CountOf(r.Additional, DnsRecordType.A) + CountOf(r.Additional, DnsRecordType.Aaaa) > 1 ? ReplaySections.Additional : 0));
        }
        var copy = r.Clone();
        Replace(copy.Answers, RoundRobin(copy.Answers));
        Replace(copy.Authority, RoundRobin(copy.Authority));
        Replace(copy.Additional, RoundRobin(copy.Additional));
        if (_options.Prefer.Count > 0)
        {
            Replace(copy.Answers, Prefer(copy.Answers, _options.Prefer));
            Replace(copy.Additional, Prefer(copy.Additional, _options.Prefer));
        }
        context.Response = copy;
    }

    private static int CountOf(List<DnsRecord> records, DnsRecordType type)
    {
        var n = 0;
        foreach (var rr in records)
        {
            if (rr.Type == type)
            {
                n++;
            }
        }
        return n;
    }

    private static void Replace(List<DnsRecord> target, List<DnsRecord> source)
    {
        if (!ReferenceEquals(target, source))
        {
            target.Clear();
            target.AddRange(source);
        }
    }

    /// <summary>CoreDNS's <c>roundRobin</c>; returns <paramref name="records"/> itself when shuffled in place.</summary>
    internal static List<DnsRecord> RoundRobin(List<DnsRecord> records)
    {
        if (records.Count <= 1)
        {
            return records;
        }
        var first = records[0].Type;
        var allSame = true;
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].Type != first)
            {
                allSame = false;
                break;
            }
        }
        if (allSame && first is DnsRecordType.A or DnsRecordType.Aaaa)
        {
            Shuffle(records);
            return records;
        }
        var cname = new List<DnsRecord>();
        var address = new List<DnsRecord>();
        var mx = new List<DnsRecord>();
        var rest = new List<DnsRecord>();
        foreach (var rr in records)
        {
            switch (rr.Type)
            {
                case DnsRecordType.Cname:
                    cname.Add(rr);
                    break;
                case DnsRecordType.A or DnsRecordType.Aaaa:
                    address.Add(rr);
                    break;
                case DnsRecordType.Mx:
                    mx.Add(rr);
                    break;
                default:
                    rest.Add(rr);
                    break;
            }
        }
        Shuffle(address);
        Shuffle(mx);
        cname.AddRange(rest);
        cname.AddRange(address);
        cname.AddRange(mx);
        return cname;
    }

    /// <summary>CoreDNS's <c>roundRobinShuffle</c>: a swap for two, a forward random swap walk for more.</summary>
    internal static void Shuffle(List<DnsRecord> records)
    {
        var l = records.Count;
        switch (l)
        {
            case 0 or 1:
                return;
            case 2:
                if (Random.Shared.Next(2) == 0)
                {
                    (records[0], records[1]) = (records[1], records[0]);
                }
                return;
            default:
                for (var j = 0; j < l; j++)
                {
                    var p = j + Random.Shared.Next(l - j);
                    if (p != j)
                    {
                        (records[j], records[p]) = (records[p], records[j]);
                    }
                }
                return;
        }
    }

    /// <summary><c>prefer</c>: CNAMEs, then addresses in the first matching subnet's order (others after), then the rest.</summary>
    internal static List<DnsRecord> Prefer(List<DnsRecord> records, IReadOnlyList<(IPAddress Network, int PrefixLength)> subnets)
    {
        var cname = new List<DnsRecord>();
        var others = new List<DnsRecord>();
        var buckets = new List<DnsRecord>[subnets.Count + 1];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = [];
        }
        var anyAddress = false;
        foreach (var rr in records)
        {
            IPAddress? ip = rr switch
            {
                ARecord a => a.Address,
                AaaaRecord aaaa => aaaa.Address,
                _ => null,
            };
            if (rr.Type == DnsRecordType.Cname)
            {
                cname.Add(rr);
                continue;
            }
            if (ip is null)
            {
                others.Add(rr);
                continue;
            }
            anyAddress = true;
            var slot = subnets.Count;
            for (var i = 0; i < subnets.Count; i++)
            {
                if (Contains(subnets[i].Network, subnets[i].PrefixLength, ip))
                {
                    slot = i;
                    break;
                }
            }
            buckets[slot].Add(rr);
        }
        if (!anyAddress)
        {
            return records;
        }
        foreach (var b in buckets)
        {
            cname.AddRange(b);
        }
        cname.AddRange(others);
        return cname;
    }

    private static bool Contains(IPAddress network, int prefix, IPAddress ip)
    {
        if (network.AddressFamily != ip.AddressFamily)
        {
            return false;
        }
        Span<byte> n = stackalloc byte[16];
        Span<byte> a = stackalloc byte[16];
        network.TryWriteBytes(n, out var len);
        ip.TryWriteBytes(a, out _);
        var full = prefix / 8;
        if (!n[..full].SequenceEqual(a[..full]))
        {
            return false;
        }
        var rem = prefix % 8;
        if (rem == 0 || full >= len)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rem));
        return (n[full] & mask) == (a[full] & mask);
    }
}
