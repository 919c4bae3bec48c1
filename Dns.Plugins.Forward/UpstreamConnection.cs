using System.Net.Sockets;

namespace Dns.Plugins.Forward;

/// <summary>An open TCP or TLS stream to an upstream, kept in its pool between queries (RFC 7766 §6.2.1 connection reuse).</summary>
internal sealed class UpstreamConnection : IDisposable
{
    public UpstreamConnection(Socket socket, Stream stream)
    {
        Socket = socket;
        Stream = stream;
    }

    public Socket Socket { get; }

    public Stream Stream { get; }

    /// <summary><see cref="Environment.TickCount64"/> when it was last given back to the pool.</summary>
    public long LastUsed { get; set; }

    public void Dispose()
    {
        try
        {
            Stream.Dispose();
        }
        catch (IOException)
        {
        }
        Socket.Dispose();
    }
}
