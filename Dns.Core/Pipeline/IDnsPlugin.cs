namespace Dns.Core.Pipeline;

/// <summary>
/// A query handler in a server block's chain. It either answers (sets <see cref="DnsContext.Response"/>, or calls
/// <see cref="DnsContext.Fail"/>) or awaits <c>next(context)</c>, and may read or replace the response afterwards.
/// Plugins never touch sockets and never throw for expected failures.
/// </summary>
public interface IDnsPlugin
{
    /// <summary>The directive name (<c>kubernetes</c>, <c>cache</c>); used in metrics and logs.</summary>
    string Name { get; }

    /// <summary>Handles one query.</summary>
    ValueTask InvokeAsync(DnsContext context, DnsRequestDelegate next);
}
