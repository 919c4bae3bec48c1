using Microsoft.Extensions.Logging;

namespace Dns.Server.Hosting.Http;

/// <summary>
/// The process's HTTP listeners, one per configured address, shared by <c>health</c>, <c>ready</c> and
/// <c>prometheus</c> and kept across reloads while some configuration still serves a path on them.
/// </summary>
internal sealed class HttpEndpoints : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HttpEndpointServer> _servers = new(StringComparer.Ordinal);
    private readonly ILogger _log;

    public HttpEndpoints(ILogger log) => _log = log;

    /// <summary>Serves <paramref name="path"/> on <paramref name="address"/>, binding the address if no one serves it yet.</summary>
    public HttpLease Lease(string address, string path, Func<HttpResponse> handler)
    {
        lock (_gate)
        {
            if (!_servers.TryGetValue(address, out var server))
            {
                server = new HttpEndpointServer(address, _log);
                _servers[address] = server;
            }
            return server.Lease(path, handler, Release);
        }
    }

    /// <summary>Bound port per configured address.</summary>
    public IReadOnlyDictionary<string, int> Ports
    {
        get
        {
            lock (_gate)
            {
                var d = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (k, v) in _servers)
                {
                    d[k] = v.Port;
                }
                return d;
            }
        }
    }

    private void Release(HttpLease lease)
    {
        lock (_gate)
        {
            if (lease.Server.Remove(lease) && _servers.TryGetValue(lease.Server.Address, out var s) && ReferenceEquals(s, lease.Server))
            {
                _servers.Remove(lease.Server.Address);
                s.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var s in _servers.Values)
            {
                s.Dispose();
            }
            _servers.Clear();
        }
    }
}
