using System.Net;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes.Tests;

/// <summary>The compact layout of endpoints and the address indexes answer exactly what the plain one did.</summary>
public class CompactDataTests
{
    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.0.0.01", false)]
    [InlineData("10.0.0", false)]
    [InlineData("10.0.0.1.", false)]
    [InlineData("10..0.1", false)]
    [InlineData("256.0.0.1", false)]
    [InlineData("1000.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("", false)]
    public void TryParseV4_AcceptsOnlyGoStyleDottedQuads(string text, bool plain)
    {
        Assert.Equal(plain, IpText.TryParseV4(text, out var v));
        if (plain)
        {
            Assert.Equal(IPAddress.Parse(text).GetAddressBytes(), BitConverter.GetBytes(v).Reverse().ToArray());
        }
    }

    [Fact]
    public void SingleIPv4_RoundTripsTextAddressAndDashedName()
    {
        var ep = new EndpointInfo { AddressTexts = ["172.17.0.2"] };
        Assert.Equal(1, ep.AddressCount);
        Assert.Equal("172.17.0.2", ep.AddressText(0));
        Assert.Equal(["172.17.0.2"], ep.AddressTexts);
        Assert.Equal(IPAddress.Parse("172.17.0.2"), ep.Address(0));
        Assert.Equal("172-17-0-2", ep.DashedAddress(0));
        Assert.True(ep.TryGetIPv4(0, out var v));
        Assert.Equal(0xAC110002u, v);
    }

    [Fact]
    public void OtherForms_KeepTheirTextAndParse()
    {
        var ep = new EndpointInfo { AddressTexts = ["fd00::1", "not-an-ip", "::ffff:10.1.2.3"] };
        Assert.Equal(3, ep.AddressCount);
        Assert.Equal(["fd00::1", "not-an-ip", "::ffff:10.1.2.3"], ep.AddressTexts);
        Assert.Equal(IPAddress.Parse("fd00::1"), ep.Address(0));
        Assert.Null(ep.Address(1));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), ep.Address(2));
        Assert.Equal("fd00--1", ep.DashedAddress(0));
        Assert.False(ep.TryGetIPv4(0, out _));
        Assert.False(ep.TryGetIPv4(1, out _));
        Assert.True(ep.TryGetIPv4(2, out var v));
        Assert.Equal(0x0A010203u, v);
    }

    [Fact]
    public void NoAddresses_CountsZero()
    {
        Assert.Equal(0, new EndpointInfo().AddressCount);
        Assert.Equal(0, new EndpointInfo { AddressTexts = [] }.AddressCount);
        Assert.Empty(new EndpointInfo().AddressTexts);
    }

    [Fact]
    public void DefaultAndInitOrder_KeepEveryField()
    {
        var d = default(EndpointInfo);
        Assert.True(d.Ready);
        Assert.Equal(0, d.AddressCount);
        Assert.Null(d.Hostname);
        var a = new EndpointInfo { Hostname = "web-0", TargetRefName = "web-0-pod", AddressTexts = ["10.1.0.4"], Ready = false };
        var b = new EndpointInfo { AddressTexts = ["10.1.0.4"], Ready = false, TargetRefName = "web-0-pod", Hostname = "web-0" };
        var c = new EndpointInfo { Hostname = "web-0", AddressTexts = ["fd00::4", "10.1.0.4"] };
        foreach (var ep in new[] { a, b })
        {
            Assert.Equal("web-0", ep.Hostname);
            Assert.Equal("web-0-pod", ep.TargetRefName);
            Assert.False(ep.Ready);
            Assert.Equal(["10.1.0.4"], ep.AddressTexts);
        }
        Assert.Equal("web-0", c.Hostname);
        Assert.True(c.Ready);
        Assert.Equal(["fd00::4", "10.1.0.4"], c.AddressTexts);
        Assert.Equal(IPAddress.Parse("10.1.0.4"), c.Address(1));
    }

    [Fact]
    public void SameAddresses_ComparesAsWritten()
    {
        var a = new EndpointInfo { AddressTexts = ["10.0.0.1"] };
        Assert.True(a.SameAddresses(new EndpointInfo { AddressTexts = ["10.0.0.1"] }));
        Assert.False(a.SameAddresses(new EndpointInfo { AddressTexts = ["10.0.0.2"] }));
        Assert.False(a.SameAddresses(new EndpointInfo { AddressTexts = ["10.0.0.1", "10.0.0.2"] }));
        Assert.False(a.SameAddresses(new EndpointInfo()));
        var m = new EndpointInfo { AddressTexts = ["10.0.0.1", "10.0.0.2"] };
        Assert.True(m.SameAddresses(new EndpointInfo { AddressTexts = ["10.0.0.1", "10.0.0.2"] }));
    }

    [Fact]
    public void Placement_SharedBetweenEndpointsWithTheSameKindNodeAndZone()
    {
        var a = new EndpointInfo { TargetRefKind = "Pod", NodeName = new string("node-1".AsSpan()), Zone = "z1" };
        var b = new EndpointInfo { Zone = "z1", NodeName = "node-1", TargetRefKind = "Pod" };
        Assert.Equal("Pod", a.TargetRefKind);
        Assert.Equal("node-1", a.NodeName);
        Assert.Equal("z1", b.Zone);
        Assert.Same(a.NodeName, b.NodeName);
        var c = new EndpointInfo { NodeName = "node-2" };
        Assert.Null(c.TargetRefKind);
        Assert.Null(c.Zone);
        Assert.Equal("node-2", c.NodeName);
    }

    [Fact]
    public void AddressIndex_FindsEveryValueOfAKeyInInsertionOrder()
    {
        var b = new AddressIndex<string>.Builder();
        b.Add(IPAddress.Parse("10.0.0.9"), "a");
        b.Add(IPAddress.Parse("10.0.0.1"), "b");
        b.Add(IPAddress.Parse("10.0.0.9"), "c");
        b.Add(IPAddress.Parse("fd00::9"), "d");
        b.Add(IPAddress.Parse("fd00::9"), "e");
        b.Add(0xFFFFFFFFu, "f");
        b.Add(0u, "g");
        var index = b.Build();
        Assert.Equal(["a", "c"], index.Find(IPAddress.Parse("10.0.0.9")));
        Assert.Equal(["b"], index.Find(IPAddress.Parse("10.0.0.1")));
        Assert.Equal(["d", "e"], index.Find(IPAddress.Parse("fd00::9")));
        Assert.Equal(["f"], index.Find(IPAddress.Parse("255.255.255.255")));
        Assert.Equal(["g"], index.Find(IPAddress.Parse("0.0.0.0")));
        Assert.Empty(index.Find(IPAddress.Parse("10.0.0.2")));
        Assert.Empty(index.Find(IPAddress.Parse("10.0.0.10")));
        Assert.Empty(index.Find(IPAddress.Parse("fd00::8")));
        Assert.Empty(new AddressIndex<string>.Builder().Build().Find(IPAddress.Parse("10.0.0.9")));
    }

    [Fact]
    public void AddressIndex_ManyKeys_MatchesADictionary()
    {
        var rng = new Random(7);
        var b = new AddressIndex<int>.Builder();
        var expected = new Dictionary<uint, List<int>>();
        for (var i = 0; i < 5000; i++)
        {
            var k = (uint)rng.Next(0, 2000) * 65_537u;
            b.Add(k, i);
            (expected.TryGetValue(k, out var l) ? l : expected[k] = []).Add(i);
        }
        var index = b.Build();
        foreach (var (k, l) in expected)
        {
            var bytes = BitConverter.GetBytes(k);
            Array.Reverse(bytes);
            Assert.Equal(l, index.Find(new IPAddress(bytes)));
        }
    }

    [Fact]
    public void NameTable_CaseInsensitiveGrowsAndReplacesInPlace()
    {
        var t = new NameTable<int>(0);
        for (var i = 0; i < 3000; i++)
        {
            t.Set("ns-" + (i % 7), "svc-" + i, i);
        }
        Assert.Equal(3000, t.Count);
        for (var i = 0; i < 3000; i++)
        {
            Assert.True(t.TryGetValue("NS-" + (i % 7), "Svc-" + i, out var v));
            Assert.Equal(i, v);
        }
        // Same name in another namespace, and a name that is another's namespace: distinct keys.
        Assert.False(t.TryGetValue("ns-1", "svc-0", out _));
        Assert.False(t.TryGetValue("svc-0", "ns-0", out _));
        t.Set("NS-0", "SVC-0", -1);
        Assert.Equal(3000, t.Count);
        Assert.Equal(-1, t.ValueAt(0, out var ns, out var name));
        Assert.Equal(("ns-0", "svc-0"), (ns, name));
        Assert.Equal(2999, t.ValueAt(2999, out _, out _));
    }

    [Fact]
    public void SharedPorts_EqualListsShareOneArray()
    {
        var a = SharedPorts.Intern([new ServicePortInfo("http", 80, "TCP"), new ServicePortInfo("metrics", 9090, "TCP")]);
        var b = SharedPorts.Intern([new ServicePortInfo("http", 80, "TCP"), new ServicePortInfo("metrics", 9090, "TCP")]);
        var c = SharedPorts.Intern([new ServicePortInfo("http", 80, "UDP"), new ServicePortInfo("metrics", 9090, "TCP")]);
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal("UDP", c[0].Protocol);
        Assert.Empty(SharedPorts.Intern([]));
    }

    [Fact]
    public void Snapshot_LooksUpServicesAndSlicesWithoutRegardToCase()
    {
        var svc = TestCluster.ClusterIP("Prod", "Web", ["10.96.0.5"]);
        var slice = TestCluster.Slice("Prod", "Web", "web-1", [TestCluster.Ep("10.244.0.5")]);
        var orphan = TestCluster.Slice("prod", "gone", "gone-1", [TestCluster.Ep("10.244.0.6")]);
        var snap = new ClusterSnapshot([svc], [slice, orphan], [], [], 1, synced: true);
        Assert.Same(svc, snap.GetService("prod", "web"));
        Assert.Same(slice, Assert.Single(snap.GetSlices("PROD", "WEB")));
        Assert.Null(snap.GetService("prod", "gone"));
        Assert.Same(orphan, Assert.Single(snap.GetSlices("prod", "gone")));
        Assert.Same(svc, Assert.Single(snap.ServicesByClusterIP(IPAddress.Parse("10.96.0.5"))));
        var (s, e) = Assert.Single(snap.EndpointsByIP(IPAddress.Parse("10.244.0.6")));
        Assert.Same(orphan, s);
        Assert.Equal("10.244.0.6", e.AddressText(0));
    }

    [Fact]
    public void Snapshot_SlicesShareTheirServicesNameString()
    {
        var svc = TestCluster.ClusterIP("prod", "web", ["10.96.0.5"]);
        var label = new string("web".AsSpan());
        var slice = new EndpointSliceInfo { Name = "web-1", Namespace = "prod", ServiceName = label, Endpoints = [TestCluster.Ep("10.244.0.5")] };
        var otherCase = new EndpointSliceInfo { Name = "web-2", Namespace = "prod", ServiceName = "WEB", Endpoints = [TestCluster.Ep("10.244.0.7")] };
        Assert.NotSame(svc.Name, slice.ServiceName);
        var snap = new ClusterSnapshot([svc], [slice, otherCase], [], [], 1, synced: true);
        Assert.Same(svc.Name, slice.ServiceName);
        // Found without regard to case, but only the same text is shared.
        Assert.Equal("WEB", otherCase.ServiceName);
        Assert.Equal(2, snap.GetSlices("prod", "web").Count);
    }
}
