using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

/// <summary>A real knotd, authoritative for <c>example.test.</c>, on a free loopback port (package <c>knot</c>).</summary>
internal sealed class KnotUpstream : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private KnotUpstream(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port;

    public static async Task<KnotUpstream> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("knot-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        var zone = new System.Text.StringBuilder("""
            $ORIGIN example.test.
            $TTL 300
            @       IN SOA ns.example.test. hostmaster.example.test. 1 7200 1800 86400 60
            @       IN NS  ns.example.test.
            ns      IN A   192.0.2.53
            www     IN A   192.0.2.1
            www     IN AAAA 2001:db8::1
            alias   IN CNAME www.example.test.
            @       IN MX  10 mail.example.test.
            mail    IN A   192.0.2.25
            _dns._udp IN SRV 0 5 53 ns.example.test.
            txt     IN TXT "v=spf1 -all" "second string"

            """);
        for (var i = 1; i <= 80; i++)
        {
            zone.Append("big IN A 10.1.0.").Append(i).Append('\n');
        }
        await File.WriteAllTextAsync(Path.Combine(dir, "example.test.zone"), zone.ToString());
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "knot.conf"), $"""
            server:
                rundir: "{dir}"
                listen: 127.0.0.1@{port}
                udp-workers: 1
                tcp-workers: 1
                background-workers: 1
            control:
                listen: "{dir}/knot.sock"
            log:
              - target: stderr
                any: warning
            database:
                storage: "{dir}/db"
            template:
              - id: default
                storage: "{dir}"
                semantic-checks: off
                zonefile-sync: -1
                journal-content: none
            zone:
              - domain: example.test
                file: "example.test.zone"
            """);
        var psi = new ProcessStartInfo(File.Exists("/usr/sbin/knotd") ? "/usr/sbin/knotd" : "knotd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(dir, "knot.conf"));
        var p = Process.Start(psi) ?? throw new InvalidOperationException("knotd did not start");
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        var knot = new KnotUpstream(p, dir, port);
        var ep = new IPEndPoint(IPAddress.Loopback, port);
        for (var i = 0; i < 100; i++)
        {
            DnsMessage? r = null;
            try
            {
                r = await RawDns.QueryUdpAsync(ep, DnsMessage.CreateQuery(DnsName.Parse("www.example.test"), DnsRecordType.A, 1), 200);
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            if (r?.ResponseCode == ResponseCode.NoError && r.Answers.Count == 1)
            {
                return knot;
            }
            if (p.HasExited)
            {
                break;
            }
            await Task.Delay(50);
        }
        await knot.DisposeAsync();
        throw new InvalidOperationException("knotd did not answer");
    }

    private static int FreePort()
    {
        // A port free for both TCP and UDP at this moment (knotd binds both).
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port");
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
