using System.Threading.Channels;

namespace Dns.Testing.FakeKubeApi;

/// <summary>An open watch stream: lines queue here and the connection task writes them.</summary>
internal sealed class FakeWatch(FakeResource resource, string? ns, LabelSelector selector, bool bookmarks)
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public FakeResource Resource { get; } = resource;

    public string? Namespace { get; } = ns;

    public LabelSelector Selector { get; } = selector;

    public bool Bookmarks { get; } = bookmarks;

    public bool Muted { get; private set; }

    public ChannelReader<string> Lines => _lines.Reader;

    public void Send(string line)
    {
        if (!Muted)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    public void Close() => _lines.Writer.TryComplete();

    public void Mute() => Muted = true;
}
