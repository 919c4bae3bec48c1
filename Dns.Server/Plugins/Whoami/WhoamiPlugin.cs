using System.Net.Sockets;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Whoami;

/// <summary>Answers every query with the client's address (A/AAAA) and port (SRV <c>_udp</c>/<c>_tcp</c>) in the additional section, TTL 0.</summary>
internal sealed class WhoamiPlugin : IDnsPlugin
{
    public string Name => "whoami";

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var q = context.Question;
        var reply = context.Request.CreateResponse();
        reply.AuthoritativeAnswer = true;
        var ip = context.RemoteAddress;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            reply.Additional.Add(new ARecord(q.Name, 0, ip, q.Class));
        }
        else
        {
            reply.Additional.Add(new AaaaRecord(q.Name, 0, ip, q.Class));
        }
        var proto = context.Transport == DnsTransport.Udp ? "_udp" : "_tcp";
        var srvName = q.Name.Prepend(proto);
        reply.Additional.Add(new SrvRecord(srvName, 0, 0, 0, (ushort)context.RemotePort, DnsName.Root, q.Class));
        context.Response = reply;
        return default;
    }
}
