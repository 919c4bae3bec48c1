namespace Dns.Plugins.Kubernetes;

/// <summary>How a zonal name narrows the endpoints of a headless service (reference §2.14).</summary>
internal enum ZonalMode
{
    None,

    /// <summary><c>&lt;z&gt;.pin._zone.&lt;svc&gt;</c> and <c>&lt;z&gt;._zone.&lt;svc&gt;</c>: only endpoints in zone z.</summary>
    Pin,

    /// <summary><c>&lt;z&gt;.prefer._zone.&lt;svc&gt;</c>: endpoints in zone z, else all.</summary>
    Prefer,

    /// <summary><c>&lt;z&gt;._zone.&lt;svc&gt;</c>: z must be a zone some endpoint of the cluster is in (else NXDOMAIN), then as <see cref="Pin"/>.</summary>
    Known,
}

/// <summary>
/// A query name split by the kubernetes grammar (parse.go, reference §2.2), labels lower-cased:
/// <c>[_port._proto.|endpoint.|z(.pin|.prefer)._zone.]service.namespace.(svc|pod).zone</c>.
/// </summary>
internal readonly struct QueryRequest
{
    public string Port { get; init; }

    public string Protocol { get; init; }

    public string Endpoint { get; init; }

    public string Service { get; init; }

    public string Namespace { get; init; }

    /// <summary><c>svc</c>, <c>pod</c>, or "" for apex-like names (<c>zone</c>, <c>svc.zone</c>, <c>pod.zone</c>).</summary>
    public string PodOrSvc { get; init; }

    public string? TopologyZone { get; init; }

    public ZonalMode Zonal { get; init; }

    /// <summary>Splits the labels of <paramref name="name"/> left of the zone; false for names the grammar rejects (NXDOMAIN).</summary>
    public static bool TryParse(Core.Protocol.DnsName name, int zoneLabels, bool zonal, out QueryRequest request)
    {
        request = new QueryRequest { Port = "", Protocol = "", Endpoint = "", Service = "", Namespace = "", PodOrSvc = "" };
        var n = name.LabelCount - zoneLabels;
        if (n <= 0)
        {
            return true;
        }
        var last = n - 1;
        var kind = Lower(name.GetLabel(last));
        if (n == 1 && kind is ("svc" or "pod"))
        {
            return true;
        }
        if (kind is not ("svc" or "pod"))
        {
            return false;
        }
        request = request with { PodOrSvc = kind };
        if (--last < 0)
        {
            return true;
        }
        request = request with { Namespace = Lower(name.GetLabel(last)) };
        if (--last < 0)
        {
            return true;
        }
        request = request with { Service = Lower(name.GetLabel(last)) };
        if (--last < 0)
        {
            return true;
        }
        // last is now the index of the label right before the service: 0 = one label left, 1 = two, more = too long.
        if (zonal && kind == "svc" && Lower(name.GetLabel(last)) == "_zone")
        {
            if (last == 1)
            {
                request = request with { TopologyZone = Lower(name.GetLabel(0)), Zonal = ZonalMode.Known };
                return true;
            }
            if (last >= 2)
            {
                var mode = Lower(name.GetLabel(last - 1)) switch
                {
                    "pin" => ZonalMode.Pin,
                    "prefer" => ZonalMode.Prefer,
                    _ => ZonalMode.None,
                };
                if (mode == ZonalMode.None)
                {
                    return false;
                }
                var parts = new string[last - 1];
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = Lower(name.GetLabel(i));
                }
                request = request with { TopologyZone = string.Join('.', parts), Zonal = mode };
                return true;
            }
        }
        switch (last)
        {
            case 0:
                request = request with { Endpoint = Lower(name.GetLabel(0)) };
                return true;
            case 1:
                request = request with { Protocol = StripUnderscore(Lower(name.GetLabel(1))), Port = StripUnderscore(Lower(name.GetLabel(0))) };
                return true;
            default:
                return false;
        }
    }

    private static string StripUnderscore(string s) => s.Length > 0 && s[0] == '_' ? s[1..] : s;

    private static string Lower(string s) => s.ToLowerInvariant();
}
