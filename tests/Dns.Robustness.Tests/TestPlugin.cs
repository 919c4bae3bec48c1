using System.Net;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Robustness.Tests;

/// <summary>
/// A plugin for attacks, registered in the <c>erratic</c> slot: <c>bigN.test.</c> answers N A records,
/// <c>throw.test.</c> throws, <c>slow.test.</c> answers after a delay, anything else A 192.0.2.1.
/// </summary>
internal sealed class TestPlugin : IDnsPlugin
{
    public static readonly IPAddress Known = IPAddress.Parse("192.0.2.1");

    public string Name => "erratic";

    public ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next)
    {
        var label = context.QueryName.GetLabel(0).ToLowerInvariant();
        if (label == "throw")
        {
            throw new InvalidOperationException("test plugin threw on purpose");
        }
        if (label == "slow")
        {
            return SlowAsync(context);
        }
        var reply = context.Request.CreateResponse();
        reply.AuthoritativeAnswer = true;
        if (label.StartsWith("big", StringComparison.Ordinal) && int.TryParse(label.AsSpan(3), out var n))
        {
            for (var i = 0; i < n; i++)
            {
                reply.Answers.Add(new ARecord(context.QueryName, 30, new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250 + 1)])));
            }
        }
        else if (context.QueryType is DnsRecordType.A)
        {
            reply.Answers.Add(new ARecord(context.QueryName, 30, Known));
        }
        context.Response = reply;
        return default;
    }

    private static async ValueTask SlowAsync(DnsContext context)
    {
        await Task.Delay(50).ConfigureAwait(false);
        var reply = context.Request.CreateResponse();
        reply.Answers.Add(new ARecord(context.QueryName, 30, Known));
        context.Response = reply;
    }

    public static PluginRegistry Registry()
    {
        var r = Dns.Server.BuiltinPlugins.Create();
        r.Register(new TestSetup());
        return r;
    }

    private sealed class TestSetup : IPluginSetup
    {
        public string Name => "erratic";

        public void Setup(SetupContext context)
        {
            while (context.Dispenser.Next())
            {
            }
            context.AddPlugin(new TestPlugin());
        }
    }
}
