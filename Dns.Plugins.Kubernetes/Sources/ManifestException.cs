namespace Dns.Plugins.Kubernetes.Sources;

/// <summary>A manifest file could not be read or holds an object that cannot be understood; the message names the file (and line/object when known).</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManifestException(string file, string message, Exception? inner = null)
        : base(file + ": " + message, inner)
    {
        File = file;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }
}
