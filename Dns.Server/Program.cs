using Dns.Server.Hosting;

namespace Dns.Server;

/// <summary>Entry point: CoreDNS's command line.</summary>
public static class Program
{
    /// <summary>Runs the server; returns the process exit code.</summary>
    public static int Main(string[] args) =>
        ServerCommand.Run(args, StandardStreams.LazyInput(), StandardStreams.Output(1), StandardStreams.Output(2));
}
