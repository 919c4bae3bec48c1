using System.Net;

namespace Dns.Server.Plugins.Loadbalance;

/// <summary><c>loadbalance [round_robin] { prefer CIDR... }</c>.</summary>
internal sealed record LoadbalanceOptions(IReadOnlyList<(IPAddress Network, int PrefixLength)> Prefer);
