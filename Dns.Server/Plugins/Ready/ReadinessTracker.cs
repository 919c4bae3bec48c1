using Dns.Core.Pipeline;

namespace Dns.Server.Plugins.Ready;

/// <summary>
/// CoreDNS's ready list: plugins not ready are reported by name, sorted and comma-separated; a plugin that was
/// ready once is not asked again unless monitoring is continuous.
/// </summary>
internal sealed class ReadinessTracker
{
    private readonly IReadOnlyList<IReadinessCheck> _checks;
    private readonly bool _continuously;
    private readonly bool[] _done;

    public ReadinessTracker(IReadOnlyList<IReadinessCheck> checks, bool continuously)
    {
        _checks = checks;
        _continuously = continuously;
        _done = new bool[checks.Count];
    }

    /// <summary>True when every plugin is ready; otherwise the names of those that are not (<c>a,b</c>).</summary>
    public bool Check(out string notReady)
    {
        SortedSet<string>? names = null;
        lock (_done)
        {
            for (var i = 0; i < _checks.Count; i++)
            {
                if (_done[i])
                {
                    continue;
                }
                if (_checks[i].IsReady)
                {
                    _done[i] = !_continuously;
                    continue;
                }
                (names ??= new SortedSet<string>(StringComparer.Ordinal)).Add(_checks[i].Name);
            }
        }
        notReady = names is null ? "" : string.Join(',', names);
        return names is null;
    }
}
