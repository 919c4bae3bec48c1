namespace Dns.Plugins.Kubernetes.Data;

/// <summary>
/// One copy of the strings that repeat across a cluster's objects (namespaces, node and zone names, kinds, types,
/// port names and protocols): a 20,000-service cluster otherwise holds a copy per object. Only low-cardinality
/// fields use it (the process-wide intern table keeps what it holds); names of services and pods do not.
/// </summary>
internal static class SharedText
{
    /// <summary>
    /// The empty label set every unlabelled object shares (a plain dictionary never written to: a frozen one would
    /// load System.Collections.Immutable, 0.8 MB resident, for nothing).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(0);

    public static string Intern(string value) => string.Intern(value);

    public static string? InternOrNull(string? value) => value is null ? null : string.Intern(value);
}

/// <summary>
/// One copy of each port list: services of one deployment pattern repeat the same ports (http 80/TCP, metrics
/// 9090/TCP), and a cluster of 20,000 services otherwise holds a list and its records per service and per slice.
/// The table is bounded: past <see cref="Limit"/> distinct lists, new ones are kept as they are.
/// </summary>
internal static class SharedPorts
{
    private const int Limit = 16_384;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<PortList, ServicePortInfo[]> Table = new();

    public static ServicePortInfo[] Intern(ServicePortInfo[] ports)
    {
        if (ports.Length == 0)
        {
            return [];
        }
        if (Table.TryGetValue(new PortList(ports), out var shared))
        {
            return shared;
        }
        return Table.Count >= Limit ? ports : Table.GetOrAdd(new PortList(ports), ports);
    }

    // A class: the table's code is then the framework's precompiled shared code; a struct key is compiled at
    // start-up (some 10 methods, ~8 ms of a 1,000-service start). The key objects exist only during lookups.
    private sealed class PortList(ServicePortInfo[] ports) : IEquatable<PortList>
    {
        private readonly ServicePortInfo[] _ports = ports;

        public bool Equals(PortList? other) => other is not null && _ports.AsSpan().SequenceEqual(other._ports);

        public override bool Equals(object? obj) => obj is PortList p && Equals(p);

        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var p in _ports)
            {
                h.Add(p);
            }
            return h.ToHashCode();
        }
    }
}
