using System.Diagnostics;
using Dns.Core.Protocol;
using Dns.Testing;
using Dns.Testing.FakeKubeApi;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Robustness.Tests;

/// <summary>
/// The real server with the kubernetes plugin answering from a fake API server (plus the <c>test</c> block of
/// <see cref="Attack"/> on the same port for its alive check). <c>kube-dns.kube-system</c> is always there.
/// </summary>
internal sealed class KubeCluster : IAsyncDisposable
{
    public const string KnownService = "kube-dns.kube-system.svc.cluster.local.";

    private KubeCluster(FakeKubeApiServer api, TestDnsServer server)
    {
        Api = api;
        Server = server;
    }

    public FakeKubeApiServer Api { get; }

    public TestDnsServer Server { get; }

    /// <summary>Starts the API server with <paramref name="seed"/>'s objects, then the DNS server, and waits for the first sync.</summary>
    public static async Task<KubeCluster> StartAsync(Action<FakeKubeApiServer>? seed = null, string options = "", string blockPlugins = "", bool waitForSync = true)
    {
        var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("kube-system"));
        api.Add(Service("kube-system", "kube-dns", "10.96.0.10"));
        seed?.Invoke(api);
        var server = await Attack.StartAsync($$"""
            test:0 {
                erratic
            }
            cluster.local:0 {
                {{blockPlugins}}
                kubernetes cluster.local {
                    endpoint {{api.Url}}
                    {{options}}
                }
            }
            """);
        var cluster = new KubeCluster(api, server);
        if (waitForSync)
        {
            await cluster.WaitForAsync(KnownService, r => r.ResponseCode == ResponseCode.NoError, TimeSpan.FromSeconds(10));
        }
        return cluster;
    }

    public async Task<DnsMessage> QueryAsync(string name, DnsRecordType type = DnsRecordType.A)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), type, 4321);
        return await RawDns.QueryUdpAsync(Server.EndPoint, q, 2000) ?? throw new TimeoutException("no reply for " + name);
    }

    /// <summary>Polls the name (a DNS answer has no event to await) until <paramref name="done"/> holds; returns how long it took.</summary>
    public async Task<TimeSpan> WaitForAsync(string name, Func<DnsMessage, bool> done, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var r = await QueryAsync(name);
            if (done(r))
            {
                return sw.Elapsed;
            }
            Assert.True(sw.Elapsed < timeout, $"{name}: still {r.ResponseCode} after {timeout.TotalSeconds} s");
            await Task.Delay(25);
        }
    }

    /// <summary><see cref="Attack.AssertAliveAsync"/>, and the known service still resolves as quickly.</summary>
    public async Task AssertAliveAsync()
    {
        await Attack.AssertAliveAsync(Server);
        var sw = Stopwatch.StartNew();
        var r = await QueryAsync(KnownService);
        Assert.True(sw.ElapsedMilliseconds < 100 + 400, $"known service took {sw.ElapsedMilliseconds} ms");
        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.Equal("10.96.0.10", Assert.IsType<ARecord>(Assert.Single(r.Answers)).Address.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Api.DisposeAsync();
    }
}
