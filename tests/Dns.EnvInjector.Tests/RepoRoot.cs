namespace Dns.EnvInjector.Tests;

/// <summary>The repository root (the directory holding Dns.sln), found upwards from the test binaries.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Dns.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Dns.sln not found above " + AppContext.BaseDirectory);
    }
}
