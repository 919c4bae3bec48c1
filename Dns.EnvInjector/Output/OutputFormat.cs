namespace Dns.EnvInjector.Output;

/// <summary>How <c>print</c> writes the variables.</summary>
internal enum OutputFormat
{
    /// <summary><c>NAME=VALUE</c> lines (dotenv, <c>docker run --env-file</c>).</summary>
    Env,

    /// <summary><c>export NAME='VALUE'</c> lines, safe to <c>eval</c>.</summary>
    Shell,

    /// <summary>One JSON object, names in order.</summary>
    Json,

    /// <summary>A container <c>env:</c> list ready to paste into a pod spec.</summary>
    Yaml,
}
