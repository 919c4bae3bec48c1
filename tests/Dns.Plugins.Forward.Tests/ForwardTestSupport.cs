using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

internal static class ForwardTestSupport
{
    public static DnsMessage Query(string name, DnsRecordType type = DnsRecordType.A, ushort id = 4242)
    {
        var q = DnsMessage.CreateQuery(DnsName.Parse(name), type, id);
        return q;
    }

    public static async Task<DnsContext> RunAsync(this PluginHarness h, string name, DnsRecordType type = DnsRecordType.A, DnsTransport transport = DnsTransport.Udp) =>
        await h.RunAsync(Query(name, type), transport);

    /// <summary>A record as one normalised zone-file line (<c>name ttl IN TYPE data</c>).</summary>
    public static string Text(DnsRecord r) =>
        $"{r.Name.Text} {r.Ttl} {DnsClassText.ToText(r.Class)} {DnsRecordTypeText.ToText(r.Type)} {r.DataText}";

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(20);
        }
        return await condition();
    }
}
