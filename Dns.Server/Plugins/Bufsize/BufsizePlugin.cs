using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Bufsize;

/// <summary>
/// Lowers the UDP payload size a query advertises (its OPT record) to the configured size when it is larger,
/// so the reply is cut to fit and fragmentation avoided (RFC 6891 §6.2.5). Queries without OPT are untouched.
/// </summary>
internal sealed class BufsizePlugin : IDnsPlugin
{
    private readonly ushort _size;

    public BufsizePlugin(int size) => _size = (ushort)size;

    public string Name => "bufsize";

    internal int Size => _size;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        if (context.Request.Opt is { } opt && opt.UdpPayloadSize > _size)
        {
            opt.UdpPayloadSize = _size;
        }
        return next(context);
    }
}
