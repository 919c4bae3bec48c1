using Dns.Plugins.Kubernetes.Sources;
using Dns.Testing.FakeKubeApi;

// Usage: FakeApi <manifest> : loads it, serves it on a free loopback port, prints "url http://127.0.0.1:PORT",
// and serves until standard input closes.
var content = ManifestLoader.Load(args[0]);
await using var api = await FakeKubeApiServer.StartAsync();
foreach (var n in content.Namespaces)
{
    api.Add(n);
}
foreach (var s in content.Services)
{
    api.Add(s);
}
foreach (var s in content.EndpointSlices)
{
    api.Add(s);
}
foreach (var p in content.Pods)
{
    api.Add(p);
}
Console.WriteLine("url " + api.Url);
Console.Out.Flush();
await Console.In.ReadToEndAsync();
