namespace Dns.Core.Protocol;

/// <summary>A message or name that does not follow the wire format; the server answers it with FORMERR.</summary>
public sealed class DnsFormatException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public DnsFormatException(string message) : base(message)
    {
    }
}
