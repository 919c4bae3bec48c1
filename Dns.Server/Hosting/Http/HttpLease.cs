namespace Dns.Server.Hosting.Http;

/// <summary>A path served by an <see cref="HttpEndpointServer"/> until disposed.</summary>
internal sealed class HttpLease : IDisposable
{
    private readonly HttpEndpointServer _server;
    private readonly Action<HttpLease> _released;
    private int _disposed;

    internal HttpLease(HttpEndpointServer server, string path, Func<HttpResponse> handler, Action<HttpLease> released)
    {
        _server = server;
        Path = path;
        Handler = handler;
        _released = released;
    }

    /// <summary>The route.</summary>
    public string Path { get; }

    /// <summary>The bound port of the listener.</summary>
    public int Port => _server.Port;

    internal HttpEndpointServer Server => _server;

    internal Func<HttpResponse> Handler { get; }

    /// <summary>Stops serving the path; the listener closes with its last route.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _released(this);
        }
    }
}
