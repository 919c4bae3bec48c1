namespace Dns.Core.Protocol;

/// <summary>Resource record types (RFC 1035 §3.2.2 and the IANA registry). Unlisted values are valid too (RFC 3597).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Ns = 2,
    Cname = 5,
    Soa = 6,
    Ptr = 12,
    Hinfo = 13,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Naptr = 35,
    Dname = 39,
    Opt = 41,
    Ds = 43,
    Rrsig = 46,
    Nsec = 47,
    Dnskey = 48,
    Nsec3 = 50,
    Svcb = 64,
    Https = 65,
    Caa = 257,
    Ixfr = 251,
    Axfr = 252,
    Any = 255,
}
