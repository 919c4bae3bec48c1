using System.Runtime.CompilerServices;

namespace Dns.Robustness.Tests;

/// <summary>Process-wide set-up for the attack tests.</summary>
internal static class TestAssembly
{
    /// <summary>
    /// One test process hosts many servers, fake upstreams, fake API servers and clients at once, and xunit's own
    /// runner blocks pool threads; on a 2-core machine the pool then adds threads only every ~0.5 s and an "alive"
    /// query waits for the test's own continuation, not for the server. Start with enough threads.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => ThreadPool.SetMinThreads(Math.Max(32, Environment.ProcessorCount * 4), 32);
}
