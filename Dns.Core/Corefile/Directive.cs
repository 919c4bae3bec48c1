namespace Dns.Core.Corefile;

/// <summary>One use of a directive in a server block: its name token and every token up to the end of its line or block.</summary>
public sealed record Directive(string Name, IReadOnlyList<CorefileToken> Tokens)
{
    /// <summary>Line of the directive name.</summary>
    public int Line => Tokens[0].Line;

    /// <summary>File of the directive name.</summary>
    public string File => Tokens[0].File;
}
