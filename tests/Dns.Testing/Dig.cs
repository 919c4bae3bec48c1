using System.Diagnostics;

namespace Dns.Testing;

/// <summary>Runs the real <c>dig</c> (package dnsutils) and returns its output.</summary>
public static class Dig
{
    /// <summary>Runs <c>dig @127.0.0.1 -p PORT args...</c> with a short timeout and no retries.</summary>
    public static async Task<DigResult> RunAsync(int port, params string[] args)
    {
        var psi = new ProcessStartInfo("dig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("@127.0.0.1");
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("+time=2");
        psi.ArgumentList.Add("+tries=1");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dig");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return new DigResult(p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}

/// <summary>What dig printed.</summary>
public sealed record DigResult(int ExitCode, string Output, string Error)
{
    /// <summary>The <c>status:</c> of the header line (NOERROR, NXDOMAIN, ...), or "" when there is none.</summary>
    public string Status
    {
        get
        {
            var i = Output.IndexOf("status: ", StringComparison.Ordinal);
            if (i < 0)
            {
                return "";
            }
            var end = Output.IndexOf(',', i);
            return Output[(i + 8)..end];
        }
    }

    /// <summary>Lines of the named section (<c>ANSWER</c>, <c>AUTHORITY</c>, <c>ADDITIONAL</c>), whitespace-normalised.</summary>
    public IReadOnlyList<string> Section(string name)
    {
        var lines = Output.Split('\n');
        var result = new List<string>();
        var inSection = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.StartsWith(";; " + name + " SECTION:", StringComparison.Ordinal))
            {
                inSection = true;
                continue;
            }
            if (inSection)
            {
                if (line.Length == 0 || line.StartsWith(';'))
                {
                    break;
                }
                result.Add(string.Join(' ', line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            }
        }
        return result;
    }

    /// <summary>The flags of the header (<c>qr aa rd</c>).</summary>
    public string Flags
    {
        get
        {
            var i = Output.IndexOf(";; flags: ", StringComparison.Ordinal);
            if (i < 0)
            {
                return "";
            }
            var end = Output.IndexOf(';', i + 10);
            return Output[(i + 10)..end].Trim();
        }
    }
}
