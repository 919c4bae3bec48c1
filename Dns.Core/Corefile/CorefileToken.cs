namespace Dns.Core.Corefile;

/// <summary>
/// One token of a Corefile with where it stands. A class: lists of tokens then run the framework's precompiled
/// shared code instead of code compiled at start-up for a struct element.
/// </summary>
public sealed record CorefileToken(string Text, string File, int Line, bool Quoted = false)
{
    /// <summary>
    /// Which splice (0: the Corefile itself, else one expansion of an <c>import</c>) the token came from. Tokens of
    /// different splices are never on the same line, even when file and line agree (a snippet imported twice in a
    /// row, or imported below its own definition), so every imported line stays a line of its own.
    /// </summary>
    internal int Splice { get; init; }

    /// <summary>True when <paramref name="next"/> continues the line of this token (Caddy's <c>NextArg</c> test).</summary>
    internal bool IsSameLine(CorefileToken next) =>
        Splice == next.Splice && string.Equals(File, next.File, StringComparison.Ordinal) && Line + LineBreaks == next.Line;

    /// <summary>Line breaks inside the token (only quoted tokens have them).</summary>
    internal int LineBreaks
    {
        get
        {
            var n = 0;
            foreach (var c in Text)
            {
                if (c == '\n')
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
