using System.Globalization;
using System.Text.RegularExpressions;
using Dns.Testing;

namespace Dns.EndToEnd.Tests;

public sealed class MetricsEndToEndTests
{
    [Fact]
    public async Task Metrics_AfterDigQueries_CountersMoveWithCoreDnsLabels()
    {
        var zone = $"m{Guid.NewGuid():N}.example.";
        await using var server = await TestDnsServer.StartAsync($"{zone}:0 {{\n    prometheus 127.0.0.1:0\n    whoami\n}}\n");
        var http = server.Host.HttpPorts["127.0.0.1:0"];
        var (status, before) = await HealthProcessRunner.GetAsync(http, "/metrics");
        Assert.Equal(200, status);
        foreach (var name in new[]
        {
            "coredns_build_info", "coredns_panics_total", "coredns_dns_requests_total", "coredns_dns_request_duration_seconds",
            "coredns_dns_request_size_bytes", "coredns_dns_response_size_bytes", "coredns_dns_do_requests_total",
            "coredns_dns_responses_total", "coredns_plugin_enabled",
        })
        {
            Assert.Contains("# TYPE " + name + " ", before, StringComparison.Ordinal);
        }
        Assert.Contains($"coredns_plugin_enabled{{name=\"whoami\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}} 1", before, StringComparison.Ordinal);
        Assert.Contains($"coredns_plugin_enabled{{name=\"prometheus\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}} 1", before, StringComparison.Ordinal);

        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "www." + zone, "A")).Status);
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "+dnssec", "www." + zone, "AAAA")).Status);
        Assert.Equal("NOERROR", (await Dig.RunAsync(server.Port, "+tcp", "www." + zone, "HINFO")).Status);
        var (_, after) = await HealthProcessRunner.GetAsync(http, "/metrics");

        Assert.Equal(1, Value(after, $"coredns_dns_requests_total{{family=\"1\",proto=\"udp\",server=\"dns://:0\",type=\"A\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(1, Value(after, $"coredns_dns_requests_total{{family=\"1\",proto=\"udp\",server=\"dns://:0\",type=\"AAAA\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(1, Value(after, $"coredns_dns_requests_total{{family=\"1\",proto=\"tcp\",server=\"dns://:0\",type=\"other\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(3, Value(after, $"coredns_dns_responses_total{{plugin=\"whoami\",rcode=\"NOERROR\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(1, Value(after, $"coredns_dns_do_requests_total{{server=\"dns://:0\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(2, Value(after, $"coredns_dns_response_size_bytes_count{{proto=\"udp\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(1, Value(after, $"coredns_dns_request_size_bytes_count{{proto=\"tcp\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}}"));
        Assert.Equal(1, Value(after, $"coredns_dns_request_duration_seconds_count{{server=\"dns://:0\",type=\"A\",view=\"\",zone=\"{zone}\"}}"));
        Assert.True(Value(after, $"coredns_dns_response_size_bytes_sum{{proto=\"udp\",server=\"dns://:0\",view=\"\",zone=\"{zone}\"}}") > 0);
    }

    [Fact]
    public async Task Metrics_QueryForUnservedZone_CountedAsDropped()
    {
        var zone = $"m{Guid.NewGuid():N}.example.";
        await using var server = await TestDnsServer.StartAsync($"{zone}:0 {{\n    prometheus 127.0.0.1:0\n    whoami\n}}\n");
        var http = server.Host.HttpPorts["127.0.0.1:0"];
        const string key = "coredns_dns_responses_total{plugin=\"\",rcode=\"REFUSED\",server=\"dns://:0\",view=\"\",zone=\"dropped\"}";
        var before = Value((await HealthProcessRunner.GetAsync(http, "/metrics")).Body, key);
        Assert.Equal("REFUSED", (await Dig.RunAsync(server.Port, "elsewhere.test")).Status);
        var after = Value((await HealthProcessRunner.GetAsync(http, "/metrics")).Body, key);
        Assert.True(after >= before + 1, $"{before} -> {after}");
    }

    [Fact]
    public async Task Metrics_ContentType_IsPrometheusText()
    {
        await using var server = await TestDnsServer.StartAsync(".:0 {\n    prometheus 127.0.0.1:0\n    whoami\n}\n");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var resp = await client.GetAsync($"http://127.0.0.1:{server.Host.HttpPorts["127.0.0.1:0"]}/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", resp.Content.Headers.ContentType?.ToString());
    }

    private static double Value(string exposition, string series)
    {
        var m = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
