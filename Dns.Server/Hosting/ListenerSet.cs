using Dns.Server.Transport;

namespace Dns.Server.Hosting;

/// <summary>The sockets of one port and bind set; outlives configurations while the port stays configured.</summary>
internal sealed class ListenerSet : IDisposable
{
    public ListenerSet(int configuredPort, string bindKey)
    {
        ConfiguredPort = configuredPort;
        BindKey = bindKey;
    }

    public int ConfiguredPort { get; }

    public string BindKey { get; }

    public HandlerSlot Slot { get; } = new();

    public List<UdpListener> Udp { get; } = [];

    public List<TcpListener> Tcp { get; } = [];

    public int BoundPort { get; set; }

    public void Start()
    {
        foreach (var u in Udp)
        {
            u.Start();
        }
        foreach (var t in Tcp)
        {
            t.Start();
        }
    }

    public void Dispose()
    {
        foreach (var u in Udp)
        {
            u.Dispose();
        }
        foreach (var t in Tcp)
        {
            t.Dispose();
        }
        Udp.Clear();
        Tcp.Clear();
    }
}
