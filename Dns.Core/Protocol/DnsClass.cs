namespace Dns.Core.Protocol;

/// <summary>Record and question classes (RFC 1035 §3.2.4).</summary>
public enum DnsClass : ushort
{
    In = 1,
    Ch = 3,
    Hs = 4,
    None = 254,
    Any = 255,
}
