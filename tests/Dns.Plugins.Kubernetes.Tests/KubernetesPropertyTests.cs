using CsCheck;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>Invariants over arbitrary names in the plugin's zones (reference §2.4).</summary>
public sealed class KubernetesPropertyTests
{
    private static readonly string[] Labels =
    [
        "svc", "pod", "testns", "other", "nons", "svc1", "hdls1", "ext", "extin", "shared", "ep1a", "_http", "_tcp", "_udp", "_",
        "dns-version", "ns", "dns", "172-0-0-2", "1-2-3-4", "fd00--42", "_zone", "pin", "prefer", "us-west-2a", "SVC1", "TestNS", "x",
    ];

    private static readonly DnsRecordType[] Types =
    [
        DnsRecordType.A, DnsRecordType.Aaaa, DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.Ptr, DnsRecordType.Cname,
        DnsRecordType.Mx, DnsRecordType.Ns, DnsRecordType.Soa, DnsRecordType.Any, DnsRecordType.Hinfo, DnsRecordType.Caa,
    ];

    [Fact]
    public void Lookup_AnyNameInZone_AuthoritativeAndNegativeHasOneSoa()
    {
        var h = K8sHarness.Create("pods verified\nzonal");
        string[] zones = ["cluster.local.", "Cluster.Local.", "in-addr.arpa."];
        var gen = Gen.Select(
            Gen.Int[0, Labels.Length - 1].Select(i => Labels[i]).Array[0, 6],
            Gen.Int[0, Types.Length - 1].Select(i => Types[i]),
            Gen.Int[0, zones.Length - 1].Select(i => zones[i]));
        gen.Sample(t =>
        {
            var (labels, type, zone) = t;
            var qname = labels.Length == 0 ? zone : string.Join('.', labels) + "." + zone;
            var reply = h.QueryAsync(new DnsCase(qname, type)).GetAwaiter().GetResult();
            Assert.NotNull(reply);
            Assert.True(reply.AuthoritativeAnswer, qname);
            Assert.False(reply.RecursionAvailable);
            if (reply.Answers.Count == 0)
            {
                var soa = Assert.IsType<SoaRecord>(Assert.Single(reply.Authority));
                Assert.True(soa.Name.SpellingEquals(DnsName.Parse(qname).Skip(DnsName.Parse(qname).LabelCount - DnsName.Parse(zone).LabelCount)), qname);
                Assert.Contains(reply.ResponseCode, (ResponseCode[])[ResponseCode.NoError, ResponseCode.NxDomain]);
            }
            else
            {
                Assert.Empty(reply.Authority);
                Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
                foreach (var rr in reply.Answers)
                {
                    if (rr is not CnameRecord && !(rr.Name.LowerText == "ext.interwebs.test."))
                    {
                        Assert.True(rr.Name.SpellingEquals(DnsName.Parse(qname)), $"{qname}: {rr}");
                    }
                }
            }
        }, iter: 3000);
    }
}
