using System.Buffers.Binary;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Robustness.Tests;

/// <summary>
/// robustness.md §5.7 with the kubernetes plugin (coredns/coredns#4343): a headless Service with 200 endpoints
/// answers over UDP within the client's size with TC=1 and header counts that match the records present, and
/// completely over TCP.
/// </summary>
public sealed class KubernetesTruncationTests(BigClusterFixture fixture) : IClassFixture<BigClusterFixture>
{
    [Theory]
    [InlineData(DnsRecordType.A, null, 512)]
    [InlineData(DnsRecordType.A, (ushort)1232, 1232)]
    [InlineData(DnsRecordType.A, (ushort)100, 512)]
    [InlineData(DnsRecordType.Srv, null, 512)]
    [InlineData(DnsRecordType.Srv, (ushort)1232, 1232)]
    [InlineData(DnsRecordType.Srv, (ushort)100, 512)]
    public async Task HeadlessService200Endpoints_Udp_FitsLimitTruncatedCountsMatch(DnsRecordType type, ushort? ednsSize, int limit)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(BigClusterFixture.BigService), type, 0x2222);
        if (ednsSize is { } size)
        {
            q.Opt = new OptRecord { UdpPayloadSize = size };
        }

        var raw = await RawDns.UdpAsync(fixture.Cluster.Server.EndPoint, q.ToArray());

        Assert.NotNull(raw);
        Assert.True(raw.Length <= limit, $"{raw.Length} bytes > {limit}");
        var independent = ARSoft.Tools.Net.Dns.DnsMessage.Parse(raw);
        Assert.True(independent.IsTruncated);
        Assert.Equal(ARSoft.Tools.Net.Dns.ReturnCode.NoError, independent.ReturnCode);
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(6)), independent.AnswerRecords.Count);
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(8)), independent.AuthorityRecords.Count);
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(10)), independent.AdditionalRecords.Count);
        // ARSoft keeps the OPT pseudo-record among the additional records.
        Assert.Equal(ednsSize is null ? 0 : 1, independent.AdditionalRecords.Count(r => r is ARSoft.Tools.Net.Dns.OptRecord));
        Assert.Equal(ednsSize is not null, independent.IsEDnsEnabled);
        Assert.NotEmpty(independent.AnswerRecords);
        Assert.True(independent.AnswerRecords.Count < 200);
        var reply = DnsMessage.Parse(raw);
        Assert.Equal(independent.AnswerRecords.Count, reply.Answers.Count);
        Assert.All(reply.Answers, r => Assert.Equal(type, r.Type));
        if (type == DnsRecordType.A)
        {
            Assert.Subset(new HashSet<string>(BigClusterFixture.Endpoints), reply.Answers.Select(a => ((ARecord)a).Address.ToString()).ToHashSet());
        }
        await fixture.Cluster.AssertAliveAsync();
    }

    [Fact]
    public async Task HeadlessService200Endpoints_Tcp_CompleteAndEqualsEndpointSlices()
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(BigClusterFixture.BigService), DnsRecordType.A, 0x3333);

        var reply = await RawDns.QueryTcpAsync(fixture.Cluster.Server.EndPoint, q);

        Assert.NotNull(reply);
        Assert.False(reply.Truncated);
        Assert.Equal(ResponseCode.NoError, reply.ResponseCode);
        var addresses = reply.Answers.Select(a => Assert.IsType<ARecord>(a).Address.ToString()).ToList();
        Assert.Equal(200, addresses.Count);
        Assert.Equal(BigClusterFixture.Endpoints.Order(), addresses.Order());
        await fixture.Cluster.AssertAliveAsync();
    }

    [Fact]
    public async Task HeadlessService200Endpoints_DigUdpThenTcpRetry_AllRecords()
    {
        var r = await Dig.RunAsync(fixture.Cluster.Server.Port, "+noedns", BigClusterFixture.BigService, "A");

        Assert.Contains("Truncated, retrying in TCP mode", r.Output, StringComparison.Ordinal);
        Assert.Equal("NOERROR", r.Status);
        Assert.Equal(200, r.Section("ANSWER").Count);
        await fixture.Cluster.AssertAliveAsync();
    }
}
