using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Chaos;

/// <summary>
/// Answers TXT queries in class CH for <c>version.bind</c>/<c>version.server</c> (the version),
/// <c>authors.bind</c> (the authors, shuffled) and <c>hostname.bind</c>/<c>id.server</c> (the host name): TTL 0,
/// owner as spelled in the query, no AA. Anything else goes to the next plugin.
/// </summary>
internal sealed class ChaosPlugin : IDnsPlugin
{
    private static readonly DnsName VersionBind = DnsName.Parse("version.bind.");
    private static readonly DnsName VersionServer = DnsName.Parse("version.server.");
    private static readonly DnsName AuthorsBind = DnsName.Parse("authors.bind.");
    private static readonly DnsName HostnameBind = DnsName.Parse("hostname.bind.");
    private static readonly DnsName IdServer = DnsName.Parse("id.server.");

    private readonly ChaosOptions _options;
    private readonly string[] _version;

    public ChaosPlugin(ChaosOptions options)
    {
        _options = options;
        _version = [options.Version];
    }

    public string Name => "chaos";

    internal ChaosOptions Options => _options;

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var q = context.Question;
        if (q.Class != DnsClass.Ch || q.Type != DnsRecordType.Txt)
        {
            return next(context);
        }
        var name = q.Name;
        var reply = context.Request.CreateResponse();
        if (name == VersionBind || name == VersionServer)
        {
            reply.Answers.Add(new TxtRecord(name, 0, _version, DnsClass.Ch));
        }
        else if (name == AuthorsBind)
        {
            var order = new int[_options.Authors.Count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            Random.Shared.Shuffle(order);
            foreach (var i in order)
            {
                reply.Answers.Add(new TxtRecord(name, 0, [_options.Authors[i]], DnsClass.Ch));
            }
        }
        else if (name == HostnameBind || name == IdServer)
        {
            reply.Answers.Add(new TxtRecord(name, 0, [HostName()], DnsClass.Ch));
        }
        else
        {
            return next(context);
        }
        context.Response = reply;
        return default;
    }

    private static string HostName()
    {
        string host;
        try
        {
            host = Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            host = "localhost";
        }
        if (string.IsNullOrEmpty(host))
        {
            host = "localhost";
        }
        return host.Length < 256 ? host : host[..255];
    }
}
