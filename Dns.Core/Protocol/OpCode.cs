namespace Dns.Core.Protocol;

/// <summary>Header opcodes (RFC 1035 §4.1.1, RFC 1996, RFC 2136).</summary>
public enum OpCode : byte
{
    Query = 0,
    IQuery = 1,
    Status = 2,
    Notify = 4,
    Update = 5,
}
