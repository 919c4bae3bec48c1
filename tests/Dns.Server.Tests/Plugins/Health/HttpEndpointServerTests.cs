using System.Net;
using System.Net.Sockets;
using System.Text;
using Dns.Server.Hosting.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dns.Server.Tests.Plugins.Health;

public sealed class HttpEndpointServerTests
{
    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK", "\r\n\r\nOK")]
    [InlineData("GET /health?verbose=1 HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK", "\r\n\r\nOK")]
    [InlineData("HEAD /health HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK", "Content-Length: 2\r\n")]
    [InlineData("GET /other HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found", "404 page not found")]
    [InlineData("garbage\r\n\r\n", "HTTP/1.1 400 Bad Request", "Connection: close")]
    public async Task Request_RawHttp_AnsweredAndClosed(string request, string statusLine, string fragment)
    {
        using var endpoints = new HttpEndpoints(NullLogger.Instance);
        using var lease = endpoints.Lease("127.0.0.1:0", "/health", () => new HttpResponse(200, "OK"));
        var text = await RawAsync(lease.Port, request);
        Assert.StartsWith(statusLine + "\r\n", text, StringComparison.Ordinal);
        Assert.Contains(fragment, text, StringComparison.Ordinal);
        if (request.StartsWith("HEAD", StringComparison.Ordinal))
        {
            Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Lease_NewestWinsAndReleasingRestoresPrevious()
    {
        using var endpoints = new HttpEndpoints(NullLogger.Instance);
        using var first = endpoints.Lease("127.0.0.1:0", "/ready", () => new HttpResponse(200, "first"));
        var second = endpoints.Lease("127.0.0.1:0", "/ready", () => new HttpResponse(200, "second"));
        Assert.Equal(first.Port, second.Port);
        Assert.Equal((200, "second"), await Http.GetAsync(first.Port, "/ready"));
        second.Dispose();
        Assert.Equal((200, "first"), await Http.GetAsync(first.Port, "/ready"));
    }

    [Fact]
    public async Task Lease_LastReleased_ClosesListener()
    {
        var endpoints = new HttpEndpoints(NullLogger.Instance);
        var lease = endpoints.Lease("127.0.0.1:0", "/health", () => new HttpResponse(200, "OK"));
        var port = lease.Port;
        lease.Dispose();
        Assert.Empty(endpoints.Ports);
        using var c = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => c.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task Flood_IdleConnectionsBeyondCap_AreClosedAndServiceRecovers()
    {
        using var endpoints = new HttpEndpoints(NullLogger.Instance);
        using var lease = endpoints.Lease("127.0.0.1:0", "/health", () => new HttpResponse(200, "OK"));
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 64; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, lease.Port);
                idle.Add(c);
            }
            var extra = await RawAsync(lease.Port, "GET /health HTTP/1.1\r\n\r\n");
            Assert.Equal("", extra);
        }
        finally
        {
            foreach (var c in idle)
            {
                c.Dispose();
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if ((await RawAsync(lease.Port, "GET /health HTTP/1.1\r\n\r\n")).StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(50);
        }
    }

    private static async Task<string> RawAsync(int port, string request)
    {
        using var c = new TcpClient();
        await c.ConnectAsync(IPAddress.Loopback, port);
        var s = c.GetStream();
        try
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes(request));
            using var ms = new MemoryStream();
            await s.CopyToAsync(ms).WaitAsync(TimeSpan.FromSeconds(10));
            return Encoding.ASCII.GetString(ms.ToArray());
        }
        catch (IOException)
        {
            return "";
        }
    }
}
