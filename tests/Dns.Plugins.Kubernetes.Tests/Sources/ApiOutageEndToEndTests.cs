using System.Diagnostics;
using Dns.Core.Protocol;
using Dns.Testing;
using Dns.Testing.FakeKubeApi;
using Xunit.Abstractions;
using static Dns.Plugins.Kubernetes.Tests.Sources.SourceTestKit;
using static Dns.Testing.FakeKubeApi.KubeObjects;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>
/// The whole server answering from the fake API server through outages (robustness check 13): cached records keep
/// answering, a 410 relists, and a service created meanwhile resolves within 5 s of recovery (coredns/coredns#3879).
/// </summary>
public sealed class ApiOutageEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ApiFaults_CachedRecordsServedAndNewServicesResolveAfterRecovery()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("kube-system"));
        api.Add(Namespace("demo"));
        api.Add(Service("kube-system", "kube-dns", "10.96.0.10"));
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                kubernetes cluster.local {
                    endpoint {{api.Url}}
                }
            }
            """);
        await AssertResolvesAsync(server, "kube-dns.kube-system", "10.96.0.10");

        // Outage: the API server is gone; a service is created meanwhile.
        api.Stop();
        api.Add(Service("demo", "born-in-outage", "10.96.20.1"));
        await AssertResolvesAsync(server, "kube-dns.kube-system", "10.96.0.10");
        api.Start();
        await WaitResolvesAsync(server, "born-in-outage.demo", "10.96.20.1", "outage");

        // Watches fail with 500 and the open streams are closed mid-stream.
        api.Fail(500, watch: true);
        api.CloseWatches();
        api.Add(Service("demo", "born-in-500s", "10.96.20.2"));
        Assert.True(await api.WaitForAsync(a => a.WatchCount("services") >= 4));
        await AssertResolvesAsync(server, "kube-dns.kube-system", "10.96.0.10");
        api.ClearFault();
        await WaitResolvesAsync(server, "born-in-500s.demo", "10.96.20.2", "500s");

        // 410 Gone: history compacted while the watch was dead, so the reflector must relist.
        var lists = api.ListCount("services");
        api.MuteWatches();
        api.Add(Service("demo", "born-in-410", "10.96.20.3"));
        api.Compact();
        api.ExpireWatches();
        await WaitResolvesAsync(server, "born-in-410.demo", "10.96.20.3", "410");
        Assert.True(api.ListCount("services") > lists);
        await AssertResolvesAsync(server, "kube-dns.kube-system", "10.96.0.10");
    }

    [Fact]
    public async Task Unsynced_MissingNamesServfailUntilSynced()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("demo"));
        api.Add(Service("demo", "listed", "10.96.21.1"));
        api.Fail(403, "endpointslices");
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                kubernetes cluster.local {
                    endpoint {{api.Url}}
                    startup_timeout 200ms
                }
            }
            """);

        // Data already received is served; what would be NXDOMAIN is SERVFAIL while unsynced (CoreDNS).
        await WaitResolvesAsync(server, "listed.demo", "10.96.21.1", "partial sync");
        Assert.Equal(ResponseCode.ServFail, (await QueryAsync(server, "missing.demo")).ResponseCode);

        api.ClearFault();
        var sw = Stopwatch.StartNew();
        while ((await QueryAsync(server, "missing.demo")).ResponseCode != ResponseCode.NxDomain)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(35), "never synced");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task RepeatedQuery_ServiceChangedThenDeleted_NewDataServedNotTheReplayedReply()
    {
        // The same request bytes again and again: the server replays its kept wire-form reply until the snapshot
        // changes, and must then answer from the new snapshot.
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Add(Namespace("demo"));
        api.Add(Service("demo", "moving", "10.96.30.1"));
        await using var server = await TestDnsServer.StartAsync($$"""
            cluster.local {
                kubernetes cluster.local {
                    endpoint {{api.Url}}
                }
            }
            """);
        await WaitResolvesAsync(server, "moving.demo", "10.96.30.1", "initial");
        await AssertResolvesAsync(server, "moving.demo", "10.96.30.1");
        api.Update(Service("demo", "moving", "10.96.30.2"));
        await WaitResolvesAsync(server, "moving.demo", "10.96.30.2", "changed");
        api.Delete<k8s.Models.V1Service>("demo", "moving");
        var sw = Stopwatch.StartNew();
        while ((await QueryAsync(server, "moving.demo")).ResponseCode != ResponseCode.NxDomain)
        {
            Assert.True(sw.Elapsed < Recovery, "deleted service still answered");
            await Task.Delay(20);
        }
    }

    private static async Task<DnsMessage> QueryAsync(TestDnsServer server, string name)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name + ".svc.cluster.local."), DnsRecordType.A, id: 7);
        return await RawDns.QueryUdpAsync(server.EndPoint, q, 2000) ?? throw new TimeoutException("no answer for " + name);
    }

    private static async Task AssertResolvesAsync(TestDnsServer server, string name, string ip)
    {
        var r = await QueryAsync(server, name);
        Assert.Equal(ResponseCode.NoError, r.ResponseCode);
        Assert.Equal(ip, Assert.IsType<ARecord>(Assert.Single(r.Answers)).Address.ToString());
    }

    /// <summary>Polls (no event crosses the process boundary of a DNS answer) until the name resolves.</summary>
    private async Task WaitResolvesAsync(TestDnsServer server, string name, string ip, string phase)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var r = await QueryAsync(server, name);
            if (r.ResponseCode == ResponseCode.NoError && r.Answers.Count == 1 && r.Answers[0] is ARecord a && a.Address.ToString() == ip)
            {
                output.WriteLine($"{phase}: {name} resolved {sw.ElapsedMilliseconds} ms after recovery");
                return;
            }
            Assert.True(sw.Elapsed < Recovery, $"{phase}: {name} did not resolve within {Recovery.TotalSeconds} s (last rcode {r.ResponseCode})");
            await Task.Delay(50);
        }
    }
}
