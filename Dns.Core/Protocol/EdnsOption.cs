namespace Dns.Core.Protocol;

/// <summary>One EDNS0 option (RFC 6891 §6.1.2), kept opaque.</summary>
public sealed record EdnsOption(ushort Code, byte[] Data)
{
    /// <inheritdoc/>
    public bool Equals(EdnsOption? other) => other is not null && Code == other.Code && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, Data.Length);
}
