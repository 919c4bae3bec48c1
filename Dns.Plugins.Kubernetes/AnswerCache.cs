using Dns.Core.Pipeline;
using Dns.Core.Protocol;
using Dns.Plugins.Kubernetes.Data;

namespace Dns.Plugins.Kubernetes;

/// <summary>What the plugin decided for a question, kept to replay it for the same snapshot.</summary>
internal enum CachedKind
{
    Respond,
    Next,
    Refused,
}

/// <summary>A decided answer: rcode and sections (immutable records, copied into each reply).</summary>
internal sealed class CachedAnswer
{
    public required CachedKind Kind { get; init; }

    public ResponseCode Rcode { get; init; }

    public DnsRecord[] Answer { get; init; } = [];

    public DnsRecord[] Authority { get; init; } = [];

    public DnsRecord[] Additional { get; init; } = [];
}

/// <summary>
/// Answers already computed from one snapshot, keyed by the exact spelling of the question name and its type
/// (owner names repeat the question's bytes). One cache per thread, so neither reads nor writes take a lock; a new
/// snapshot empties it, and it is cleared when it grows past <see cref="MaxEntries"/> (random-name floods).
/// </summary>
internal sealed class AnswerCache
{
    public const int MaxEntries = 4096;

    private readonly Dictionary<(DnsName Name, DnsRecordType Type), CachedAnswer> _map = new(KeyComparer.Instance);
    private ClusterSnapshot? _snapshot;

    public bool TryGet(ClusterSnapshot snapshot, DnsName name, DnsRecordType type, out CachedAnswer answer)
    {
        if (!ReferenceEquals(snapshot, _snapshot))
        {
            _map.Clear();
            if (_snapshot is not null)
            {
                // Also covers a source that changed without raising Changed: replies kept in wire form are stale.
                ReplayEpoch.Advance();
            }
            _snapshot = snapshot;
            answer = null!;
            return false;
        }
        return _map.TryGetValue((name, type), out answer!);
    }

    public void Add(ClusterSnapshot snapshot, DnsName name, DnsRecordType type, CachedAnswer answer)
    {
        if (!ReferenceEquals(snapshot, _snapshot))
        {
            _map.Clear();
            _snapshot = snapshot;
        }
        if (_map.Count >= MaxEntries)
        {
            _map.Clear();
        }
        _map[(name, type)] = answer;
    }

    /// <summary>Case-sensitive on the name: <c>SVC1</c> and <c>svc1</c> have different answers (owner spelling).</summary>
    private sealed class KeyComparer : IEqualityComparer<(DnsName Name, DnsRecordType Type)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((DnsName Name, DnsRecordType Type) x, (DnsName Name, DnsRecordType Type) y) =>
            x.Type == y.Type && x.Name.SpellingEquals(y.Name);

        public int GetHashCode((DnsName Name, DnsRecordType Type) obj) => obj.Name.GetHashCode() ^ ((int)obj.Type << 16);
    }
}
