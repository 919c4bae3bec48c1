using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Sources;

return await CliRunner.RunAsync(args, new CliContext
{
    Out = Console.Out,
    Error = Console.Error,
    SourceFactory = ClusterSources.Create,
}).ConfigureAwait(false);
