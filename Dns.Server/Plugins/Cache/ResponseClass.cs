using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Cache;

/// <summary>CoreDNS <c>response.Type</c>: how a reply is classified for caching.</summary>
internal enum ResponseClass
{
    NoError,
    NameError,
    ServerError,
    NoData,
    Delegation,
    Meta,
    Update,
    OtherError,
}

/// <summary>CoreDNS <c>response.Typify</c> and <c>dnsutil.MinimalTTL</c>.</summary>
internal static class ResponseClassifier
{
    public static ResponseClass Classify(DnsMessage m)
    {
        if (m.OpCode == OpCode.Update)
        {
            return ResponseClass.Update;
        }
        if (m.OpCode == OpCode.Notify)
        {
            return ResponseClass.Meta;
        }
        if (m.Questions.Count > 0 && m.Questions[0].Type is DnsRecordType.Axfr or DnsRecordType.Ixfr)
        {
            return ResponseClass.Meta;
        }
        if (m.Answers.Count > 0 && m.ResponseCode == ResponseCode.NoError)
        {
            return ResponseClass.NoError;
        }
        var soa = false;
        var ns = 0;
        foreach (var r in m.Authority)
        {
            if (r.Type == DnsRecordType.Soa)
            {
                soa = true;
            }
            else if (r.Type == DnsRecordType.Ns)
            {
                ns++;
            }
        }
        if (soa && m.ResponseCode == ResponseCode.NoError)
        {
            return ResponseClass.NoData;
        }
        if (soa && m.ResponseCode == ResponseCode.NxDomain)
        {
            return ResponseClass.NameError;
        }
        if (m.ResponseCode is ResponseCode.ServFail or ResponseCode.NotImp)
        {
            return ResponseClass.ServerError;
        }
        if (ns > 0 && m.ResponseCode == ResponseCode.NoError)
        {
            return ResponseClass.Delegation;
        }
        if (m.ResponseCode == ResponseCode.NoError)
        {
            return ResponseClass.NoError;
        }
        return ResponseClass.OtherError;
    }

    /// <summary>
    /// The lowest TTL in the answer, authority and additional sections (OPT is not a record here), capped at
    /// <paramref name="max"/>; 5 s for other classes and for replies without records.
    /// </summary>
    public static TimeSpan MinimalTtl(DnsMessage m, ResponseClass c, TimeSpan max)
    {
        var fallback = TimeSpan.FromSeconds(5);
        if (c is not (ResponseClass.NoError or ResponseClass.NameError or ResponseClass.NoData))
        {
            return fallback;
        }
        if (m.Answers.Count + m.Authority.Count + m.Additional.Count == 0)
        {
            return fallback;
        }
        var min = (long)max.TotalSeconds;
        Min(m.Answers, ref min);
        Min(m.Authority, ref min);
        Min(m.Additional, ref min);
        return TimeSpan.FromSeconds(min);
    }

    private static void Min(List<DnsRecord> records, ref long min)
    {
        foreach (var r in records)
        {
            if (r.Ttl < min)
            {
                min = r.Ttl;
            }
        }
    }
}
