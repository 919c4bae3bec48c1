using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// Logs (reload failures, API errors while following) go to stderr: stdout belongs to print's output and exec's command.
using var loggerFactory = LoggerFactory.Create(b => b
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

return await CliRunner.RunAsync(args, new CliContext
{
    Out = Console.Out,
    Error = Console.Error,
    Access = new ClusterAccess(loggerFactory),
}).ConfigureAwait(false);
