namespace Dns.Server.Hosting;

/// <summary>
/// The query handler a set of listeners uses. A reload that keeps a listener's port swaps the handler here with one
/// reference write, so no socket is closed and no query is dropped (each query reads the slot once).
/// </summary>
internal sealed class HandlerSlot
{
    private volatile QueryHandler? _handler;

    public QueryHandler Handler
    {
        get => _handler ?? throw new InvalidOperationException("no handler");
        set => _handler = value;
    }
}
