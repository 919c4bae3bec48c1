using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dns.Core.Pipeline;
using Dns.Core.Protocol;

namespace Dns.Server.Plugins.Log;

/// <summary>
/// A log format parsed once at setup into literal text and placeholders (CoreDNS's replacer): <c>{type}</c>,
/// <c>{name}</c>, <c>{class}</c>, <c>{proto}</c>, <c>{remote}</c>, <c>{local}</c>, <c>{size}</c>, <c>{port}</c>,
/// <c>{duration}</c>, <c>{rcode}</c>, <c>{rsize}</c>, <c>{&gt;rflags}</c>, <c>{&gt;bufsize}</c>, <c>{&gt;do}</c>,
/// <c>{&gt;id}</c>, <c>{&gt;opcode}</c>, <c>{/LABEL}</c> (metadata, <c>-</c> when absent). Unknown placeholders are
/// kept as written.
/// </summary>
internal sealed class LogFormat
{
    /// <summary>CoreDNS's Common Log Format.</summary>
    public const string Common = "{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} {>do} {>bufsize}\" {rcode} {>rflags} {rsize} {duration}";

    /// <summary>The Common Log Format with the query opcode.</summary>
    public const string Combined = Common + " \"{>opcode}\"";

    private const string EmptyValue = "-";

    private enum Kind
    {
        Literal,
        Type,
        Name,
        Class,
        Proto,
        Remote,
        Local,
        Size,
        Port,
        Duration,
        Rcode,
        Rsize,
        Rflags,
        Bufsize,
        Do,
        Id,
        Opcode,
        Metadata,
    }

    private readonly (Kind Kind, string Text)[] _nodes;

    private LogFormat(string text, (Kind, string)[] nodes)
    {
        Text = text;
        _nodes = nodes;
    }

    /// <summary>The format as configured.</summary>
    public string Text { get; }

    /// <summary>Splits <paramref name="format"/> into literals and placeholders.</summary>
    public static LogFormat Parse(string format)
    {
        var nodes = new List<(Kind, string)>();
        var s = format;
        while (true)
        {
            var i = s.IndexOf('{', StringComparison.Ordinal);
            if (i < 0)
            {
                break;
            }
            var j = s.IndexOf('}', i);
            if (j < 0)
            {
                break;
            }
            if (i > 0)
            {
                nodes.Add((Kind.Literal, s[..i]));
            }
            var label = s[i..(j + 1)];
            s = s[(j + 1)..];
            var kind = label switch
            {
                "{type}" => Kind.Type,
                "{name}" => Kind.Name,
                "{class}" => Kind.Class,
                "{proto}" => Kind.Proto,
                "{remote}" => Kind.Remote,
                "{local}" => Kind.Local,
                "{size}" => Kind.Size,
                "{port}" => Kind.Port,
                "{duration}" => Kind.Duration,
                "{rcode}" => Kind.Rcode,
                "{rsize}" => Kind.Rsize,
                "{>rflags}" => Kind.Rflags,
                "{>bufsize}" => Kind.Bufsize,
                "{>do}" => Kind.Do,
                "{>id}" => Kind.Id,
                "{>opcode}" => Kind.Opcode,
                _ => label.StartsWith("{/", StringComparison.Ordinal) ? Kind.Metadata : Kind.Literal,
            };
            nodes.Add((kind, kind == Kind.Metadata ? label[2..^1] : label));
        }
        if (s.Length > 0)
        {
            nodes.Add((Kind.Literal, s));
        }
        return new LogFormat(format, [.. nodes]);
    }

    /// <summary>Renders the line for a finished query.</summary>
    public void Render(StringBuilder sb, DnsContext ctx, long endTimestamp)
    {
        var req = ctx.Request;
        var q = req.Question;
        // CoreDNS logs through a recorder: a chain that failed without writing has no recorded reply.
        var written = ctx.IsFailure ? null : ctx.Response;
        foreach (var (kind, text) in _nodes)
        {
            switch (kind)
            {
                case Kind.Literal:
                    sb.Append(text);
                    break;
                case Kind.Type:
                    sb.Append(DnsRecordTypeText.ToText(q.Type));
                    break;
                case Kind.Name:
                    sb.Append(q.Name.LowerText);
                    break;
                case Kind.Class:
                    sb.Append(DnsClassText.ToText(q.Class));
                    break;
                case Kind.Proto:
                    sb.Append(ctx.Transport == DnsTransport.Udp ? "udp" : "tcp");
                    break;
                case Kind.Remote:
                    AppendAddress(sb, ctx.RemoteAddress);
                    break;
                case Kind.Local:
                    AppendAddress(sb, (ctx.LocalEndPoint as IPEndPoint)?.Address ?? IPAddress.Any);
                    break;
                case Kind.Size:
                    sb.Append(ctx.RequestSize);
                    break;
                case Kind.Port:
                    sb.Append(ctx.RemotePort);
                    break;
                case Kind.Duration:
                    AppendDuration(sb, ctx.StartTimestamp, endTimestamp);
                    break;
                case Kind.Rcode:
                    // The recorder's rcode stays 0 when nothing was written.
                    sb.Append(ResponseCodeText.ToText(written?.ResponseCode ?? ResponseCode.NoError));
                    break;
                case Kind.Rsize:
                    sb.Append(written is null ? 0 : UncompressedLength(written));
                    break;
                case Kind.Rflags:
                    if (written is null)
                    {
                        sb.Append(EmptyValue);
                    }
                    else
                    {
                        AppendFlags(sb, written, ctx.WrittenResponse?.Truncated ?? written.Truncated);
                    }
                    break;
                case Kind.Bufsize:
                    sb.Append(BufSize(ctx));
                    break;
                case Kind.Do:
                    sb.Append(req.Opt?.DnssecOk == true ? "true" : "false");
                    break;
                case Kind.Id:
                    sb.Append(req.Id);
                    break;
                case Kind.Opcode:
                    sb.Append((int)req.OpCode);
                    break;
                case Kind.Metadata:
                    sb.Append(ctx.Items.TryGetValue(text, out var v) && v is not null ? v.ToString() : EmptyValue);
                    break;
            }
        }
    }

    /// <summary>CoreDNS's <c>state.Size()</c>: 65535 on TCP, else the EDNS0 size (at least 512).</summary>
    private static int BufSize(DnsContext ctx)
    {
        if (ctx.Transport != DnsTransport.Udp)
        {
            return DnsMessageWriter.MaxMessageSize;
        }
        var size = ctx.Request.Opt?.UdpPayloadSize ?? 0;
        return Math.Max(512, (int)size);
    }

    private static void AppendAddress(StringBuilder sb, IPAddress ip)
    {
        // RFC 3986 §3.2.2: an IPv6 literal in a host:port pair is bracketed.
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            sb.Append('[').Append(ip).Append(']');
        }
        else
        {
            sb.Append(ip);
        }
    }

    /// <summary>Go's <c>Seconds()</c> printed shortest with <c>'f'</c>: whole nanoseconds as a trimmed decimal.</summary>
    private static void AppendDuration(StringBuilder sb, long start, long end)
    {
        var ns = (long)((end - start) * (1_000_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
        if (ns < 0)
        {
            ns = 0;
        }
        var whole = ns / 1_000_000_000;
        var frac = ns % 1_000_000_000;
        sb.Append(whole);
        if (frac != 0)
        {
            var digits = frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
            sb.Append('.').Append(digits);
        }
        sb.Append('s');
    }

    private static void AppendFlags(StringBuilder sb, DnsMessage m, bool truncated)
    {
        var start = sb.Length;
        if (m.IsResponse) sb.Append("qr,");
        if (m.AuthoritativeAnswer) sb.Append("aa,");
        if (truncated) sb.Append("tc,");
        if (m.RecursionDesired) sb.Append("rd,");
        if (m.RecursionAvailable) sb.Append("ra,");
        if (m.Zero) sb.Append("z,");
        if (m.AuthenticData) sb.Append("ad,");
        if (m.CheckingDisabled) sb.Append("cd,");
        if (sb.Length > start)
        {
            sb.Length--;
        }
    }

    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>
    /// The reply's length without name compression (miekg's <c>Len()</c> of a message that does not ask for
    /// compression), before the server adds its OPT record: CoreDNS's <c>{rsize}</c>.
    /// </summary>
    internal static int UncompressedLength(DnsMessage m)
    {
        var n = DnsHeader.Size;
        foreach (var q in m.Questions)
        {
            n += q.Name.WireLength + 4;
        }
        n += RecordsLength(m.Answers) + RecordsLength(m.Authority) + RecordsLength(m.Additional);
        if (m.Opt is { } opt)
        {
            n += opt.WireLength;
        }
        return n;
    }

    private static int RecordsLength(List<DnsRecord> records)
    {
        var n = 0;
        foreach (var r in records)
        {
            var buf = t_scratch ??= new byte[DnsMessageWriter.MaxMessageSize];
            var w = new DnsMessageWriter(buf, null);
            r.WriteData(ref w);
            n += r.Name.WireLength + 10 + w.Position;
        }
        return n;
    }
}
