using System.Globalization;
using Dns.EnvInjector.Output;

namespace Dns.EnvInjector.Cli;

/// <summary>Parses <c>COMMAND [options] [-- ARGS]</c>; options take <c>--name value</c> or <c>--name=value</c>.</summary>
internal static class CliParser
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage: Dns.EnvInjector COMMAND [options]

        Emits the legacy Kubernetes service environment variables (FOO_SERVICE_HOST, FOO_PORT_80_TCP, ...) exactly as
        the kubelet computes them for a pod in a namespace.

        Commands:
          print    write the variables (--format env|shell|json|yaml)
          exec     run a command with the variables added: exec [options] -- COMMAND [ARGS...]
          webhook  serve a mutating admission webhook that adds the variables to pods

        Source (default: in-cluster service account):
          --manifests PATH          YAML/JSON manifest file or directory
          --kubeconfig FILE         kubeconfig file (with --context NAME)
          --server URL              API server URL
          --timeout SECONDS         wait this long for the services to be listed (default 30)

        Options:
          -n, --namespace NS        the pod's namespace (default "default")
          --enable-service-links B  true (default) or false: pod.spec.enableServiceLinks
          -o, --format F            print: env (default), shell, json or yaml
          --watch                   exec: restart the command when the variables change
          --tls-cert FILE           webhook: PEM certificate (chain)
          --tls-key FILE            webhook: PEM private key
          --listen ADDR             webhook: [HOST]:PORT (default :8443)
          --label-selector SEL      webhook: opt-in selector for pod or namespace labels
                                    (default dns.envinjector/inject=true)
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="CliException"/> (exit 2) on a usage error.</summary>
    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw Fail("missing command");
        }
        var command = args[0];
        if (command is "help" or "-h" or "--help")
        {
            throw new CliException(Usage, 0);
        }
        if (command is not ("print" or "exec" or "webhook"))
        {
            throw Fail("unknown command \"" + command + "\"");
        }
        var o = new CliOptions { Command = command };
        var sawSeparator = false;
        var i = 1;
        while (i < args.Count)
        {
            var arg = args[i++];
            if (arg == "--")
            {
                sawSeparator = true;
                break;
            }
            if (!arg.StartsWith('-') || arg == "-")
            {
                if (command == "exec")
                {
                    // exec allows the command without "--" when it does not start with '-'.
                    i--;
                    sawSeparator = true;
                    break;
                }
                throw Fail("unexpected argument \"" + arg + "\"");
            }
            string name;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            else
            {
                name = arg;
            }
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i >= args.Count)
                {
                    throw Fail("option " + name + " needs a value");
                }
                return args[i++];
            }
            switch (name)
            {
                case "-n":
                case "--namespace":
                    o.Namespace = Value();
                    if (o.Namespace.Length == 0)
                    {
                        throw Fail("--namespace must not be empty");
                    }
                    break;
                case "-f":
                case "--manifests":
                    o.Manifests = Value();
                    break;
                case "--kubeconfig":
                    o.Kubeconfig = Value();
                    break;
                case "--context":
                    o.Context = Value();
                    break;
                case "--server":
                    o.Server = Value();
                    break;
                case "--enable-service-links":
                    o.EnableServiceLinks = ParseBool(name, inline ?? (i < args.Count && IsBool(args[i]) ? args[i++] : "true"));
                    break;
                case "--timeout":
                    var t = Value();
                    if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 86400)
                    {
                        throw Fail("invalid --timeout \"" + t + "\" (seconds)");
                    }
                    o.Timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "-o":
                case "--format":
                    var f = Value();
                    if (!EnvFormatter.TryParse(f, out var format))
                    {
                        throw Fail("invalid --format \"" + f + "\" (env, shell, json or yaml)");
                    }
                    o.Format = format;
                    break;
                case "--watch":
                    o.Watch = inline is null || ParseBool(name, inline);
                    break;
                case "--tls-cert":
                    o.TlsCert = Value();
                    break;
                case "--tls-key":
                    o.TlsKey = Value();
                    break;
                case "--listen":
                    o.Listen = Value();
                    break;
                case "--label-selector":
                    o.LabelSelector = Value();
                    break;
                case "-h":
                case "--help":
                    throw new CliException(Usage, 0);
                default:
                    throw Fail("unknown option " + name);
            }
        }
        Validate(o, command, args, i, sawSeparator);
        return o;
    }

    private static void Validate(CliOptions o, string command, IReadOnlyList<string> args, int i, bool sawSeparator)
    {
        var sources = (o.Manifests is null ? 0 : 1) + (o.Server is null ? 0 : 1) + (o.Kubeconfig is null ? 0 : 1);
        if (sources > 1)
        {
            throw Fail("--manifests, --kubeconfig and --server are mutually exclusive");
        }
        if (o.Context is not null && o.Kubeconfig is null)
        {
            throw Fail("--context needs --kubeconfig");
        }
        if (command != "print" && o.Format != OutputFormat.Env)
        {
            throw Fail("--format applies to print only");
        }
        if (command != "exec" && o.Watch)
        {
            throw Fail("--watch applies to exec only");
        }
        if (command != "webhook" && (o.TlsCert is not null || o.TlsKey is not null))
        {
            throw Fail("--tls-cert and --tls-key apply to webhook only");
        }
        if (command == "exec")
        {
            if (!sawSeparator || i >= args.Count)
            {
                throw Fail("exec needs a command: exec [options] -- COMMAND [ARGS...]");
            }
            var rest = new List<string>();
            for (; i < args.Count; i++)
            {
                rest.Add(args[i]);
            }
            o.CommandLine = rest;
        }
        else if (sawSeparator)
        {
            throw Fail("unexpected \"--\"");
        }
        if (command == "webhook" && (o.TlsCert is null || o.TlsKey is null))
        {
            throw Fail("webhook needs --tls-cert and --tls-key");
        }
    }

    private static bool IsBool(string s) => s is "true" or "false" or "True" or "False" or "1" or "0";

    private static bool ParseBool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw Fail("invalid " + name + " \"" + value + "\" (true or false)"),
    };

    private static CliException Fail(string message) => new(message + "\n\n" + Usage, 2);
}
