using Dns.Core.Corefile;
using Dns.Core.Metrics;
using Microsoft.Extensions.Logging;

namespace Dns.Core.Pipeline;

/// <summary>What a directive's setup sees: its tokens, its server block, and where to put plugins and hooks.</summary>
public sealed class SetupContext
{
    private readonly DnsPipelineBuilder _pipeline;

    /// <summary>Creates the context for one directive in one block.</summary>
    public SetupContext(string directive, ServerBlock block, CorefileDispenser dispenser, BlockConfig config, DnsPipelineBuilder pipeline, ServerInstance instance)
    {
        Directive = directive;
        Block = block;
        Dispenser = dispenser;
        Config = config;
        _pipeline = pipeline;
        Instance = instance;
    }

    /// <summary>The directive being set up.</summary>
    public string Directive { get; }

    /// <summary>The server block.</summary>
    public ServerBlock Block { get; }

    /// <summary>Tokens of every use of the directive in the block.</summary>
    public CorefileDispenser Dispenser { get; }

    /// <summary>Server settings of the block.</summary>
    public BlockConfig Config { get; }

    /// <summary>Shared state of the loaded Corefile.</summary>
    public ServerInstance Instance { get; }

    /// <summary>The block's zones (lower-case FQDNs), the default zones of most plugins.</summary>
    public IReadOnlyList<string> Zones => Block.Zones;

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory => Instance.LoggerFactory;

    /// <summary>Metrics.</summary>
    public MetricsRegistry Metrics => Instance.Metrics;

    /// <summary>Clock.</summary>
    public TimeProvider Time => Instance.Time;

    /// <summary>Adds a plugin to the block's chain (position from <see cref="Directive"/>).</summary>
    public void AddPlugin(IDnsPlugin plugin) => _pipeline.Add(Directive, plugin);

    /// <summary>Adds a readiness check.</summary>
    public void AddReadinessCheck(IReadinessCheck check) => Instance.AddReadinessCheck(check);

    /// <summary>Runs <paramref name="hook"/> when the server starts, before listeners open.</summary>
    public void OnStartup(Func<CancellationToken, Task> hook) => Instance.OnStartup(hook);

    /// <summary>Runs <paramref name="hook"/> when the server stops (and on reload, for the old instance).</summary>
    public void OnShutdown(Func<CancellationToken, Task> hook) => Instance.OnShutdown(hook);

    /// <summary>A path relative to the Corefile's directory (or the working directory for stdin).</summary>
    public string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path) || Instance.ConfigFile == "stdin")
        {
            return Path.GetFullPath(path);
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(Instance.ConfigFile)) ?? Directory.GetCurrentDirectory();
        var relativeToConfig = Path.Combine(dir, path);
        return File.Exists(relativeToConfig) || Directory.Exists(relativeToConfig) ? relativeToConfig : Path.GetFullPath(path);
    }
}
