using System.Globalization;

namespace Dns.Server.Hosting;

/// <summary>
/// CoreDNS's flags with Go <c>flag</c> semantics: <c>-x</c> and <c>--x</c>, <c>-x v</c> and <c>-x=v</c>,
/// booleans as <c>-b</c> or <c>-b=true</c>; <c>--</c> ends flags; positional arguments are an error.
/// </summary>
internal sealed class CommandLine
{
    public string Conf { get; private set; } = "Corefile";

    public bool ConfGiven { get; private set; }

    public int DnsPort { get; private set; } = 53;

    public bool Plugins { get; private set; }

    public bool Version { get; private set; }

    public bool Quiet { get; private set; }

    public string? PidFile { get; private set; }

    public static string Usage =>
        "Usage of Dns.Server:\n" +
        "  -conf string\n        Corefile to load (default \"Corefile\")\n" +
        "  -dns.port string\n        Default port (default \"53\")\n" +
        "  -p string\n        Default port (alias of -dns.port)\n" +
        "  -pidfile string\n        Path to write pid file\n" +
        "  -plugins\n        List installed plugins\n" +
        "  -quiet\n        Quiet mode (no initialization output)\n" +
        "  -version\n        Show version\n";

    /// <summary>Parses; throws <see cref="ArgumentException"/> with Go's wording on a bad flag.</summary>
    public static CommandLine Parse(string[] args)
    {
        var cl = new CommandLine();
        var i = 0;
        for (; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                i++;
                break;
            }
            if (a.Length < 2 || a[0] != '-')
            {
                break;
            }
            var name = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a[1..];
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            switch (name)
            {
                case "plugins":
                    cl.Plugins = ParseBool(name, value);
                    break;
                case "version":
                    cl.Version = ParseBool(name, value);
                    break;
                case "quiet":
                    cl.Quiet = ParseBool(name, value);
                    break;
                case "conf":
                    cl.Conf = TakeValue(args, ref i, name, value);
                    cl.ConfGiven = true;
                    break;
                case "dns.port":
                case "p":
                    {
                        var v = TakeValue(args, ref i, name, value);
                        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                        {
                            throw new ArgumentException($"invalid port \"{v}\" for flag -{name}");
                        }
                        cl.DnsPort = port;
                        break;
                    }
                case "pidfile":
                    cl.PidFile = TakeValue(args, ref i, name, value);
                    break;
                default:
                    throw new ArgumentException($"flag provided but not defined: -{name}");
            }
        }
        if (i < args.Length)
        {
            throw new ArgumentException($"extra command line arguments: [{string.Join(' ', args[i..])}]");
        }
        return cl;
    }

    private static bool ParseBool(string name, string? value) => value switch
    {
        null or "true" or "1" or "t" or "T" or "TRUE" or "True" => true,
        "false" or "0" or "f" or "F" or "FALSE" or "False" => false,
        _ => throw new ArgumentException($"invalid boolean value \"{value}\" for -{name}"),
    };

    private static string TakeValue(string[] args, ref int i, string name, string? value)
    {
        if (value is not null)
        {
            return value;
        }
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"flag needs an argument: -{name}");
        }
        return args[++i];
    }
}
