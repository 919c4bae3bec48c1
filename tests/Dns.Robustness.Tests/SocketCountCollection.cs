namespace Dns.Robustness.Tests;

/// <summary>Tests that count the process's sockets run alone.</summary>
[CollectionDefinition(nameof(SocketCountCollection), DisableParallelization = true)]
public sealed class SocketCountCollection
{
}
