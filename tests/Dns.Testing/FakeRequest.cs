using System.Net;
using Dns.Core.Protocol;

namespace Dns.Testing;

/// <summary>What the fake upstream received.</summary>
public sealed record FakeRequest(DnsMessage Query, byte[] Raw, bool Tcp, IPEndPoint From);
