namespace Dns.Core.Corefile;

/// <summary>One token of a Corefile with where it stands.</summary>
public readonly record struct CorefileToken(string Text, string File, int Line, bool Quoted = false)
{
    /// <inheritdoc/>
    public override string ToString() => Text;
}
