namespace Dns.Core.Corefile;

/// <summary>A configuration error, always naming the file and line (<c>Corefile:3 - Error during parsing: ...</c>).</summary>
public sealed class CorefileException : Exception
{
    /// <summary>Creates the error.</summary>
    public CorefileException(string file, int line, string reason)
        : base($"{file}:{line} - Error during parsing: {reason}")
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    /// <summary>The file the error is in.</summary>
    public string File { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }
}
