using System.Globalization;
using System.Net;
using Dns.Core.Corefile;
using Dns.Core.Pipeline;
using Dns.Plugins.Kubernetes.Data;
using Microsoft.Extensions.Logging;

namespace Dns.Plugins.Kubernetes;

/// <summary>
/// Sets up <c>kubernetes [ZONES...] { ... }</c> (reference §2.1): parses the options, creates the cluster source,
/// adds the plugin, its readiness check, and the start hook that waits up to <c>startup_timeout</c> for sync.
/// </summary>
public sealed class KubernetesSetup : IPluginSetup
{
    /// <summary>Key of the block's <see cref="KubernetesPlugin"/> in <see cref="BlockConfig.Items"/> (found there by <c>k8s_external</c>).</summary>
    public const string ItemKey = "kubernetes";

    private readonly ClusterSourceFactory _factory;

    /// <summary>A setup creating the source with <paramref name="factory"/> (default: API server or manifests from the options).</summary>
    public KubernetesSetup(ClusterSourceFactory? factory = null)
    {
        _factory = factory ?? DefaultSourceFactory.Create;
    }

    /// <inheritdoc/>
    public string Name => "kubernetes";

    /// <inheritdoc/>
    public void Setup(SetupContext context)
    {
        var options = Parse(context.Dispenser, context.Zones);
        var logger = context.LoggerFactory.CreateLogger("plugin/kubernetes");
        if (options.Endpoints.Count > 1)
        {
            KubernetesLog.MultipleEndpoints(logger, options.Endpoints[0]);
        }
        var source = _factory(options, context);
        var plugin = new KubernetesPlugin(options, source, LocalAddresses(context.Config), logger)
        {
            AutoPathSearch = ResolvConfSearch("/etc/resolv.conf"),
        };
        context.Config.Items[ItemKey] = plugin;
        context.AddPlugin(plugin);
        context.AddReadinessCheck(plugin);
        context.OnStartup(plugin.StartAsync);
        context.OnShutdown(_ => source.DisposeAsync().AsTask());
    }

    /// <summary>Parses every use of the directive in a block; throws <see cref="CorefileException"/> on bad configuration.</summary>
    public static KubernetesOptions Parse(CorefileDispenser d, IReadOnlyList<string> blockZones)
    {
        if (!d.Next())
        {
            throw d.ArgErr();
        }
        var zones = new List<string>();
        var args = d.RemainingArgs();
        if (args.Count > 0)
        {
            foreach (var a in args)
            {
                AddZones(zones, a, d);
            }
        }
        else
        {
            foreach (var z in blockZones)
            {
                if (!zones.Contains(z))
                {
                    zones.Add(z);
                }
            }
        }
        var primary = -1;
        for (var i = 0; i < zones.Count; i++)
        {
            if (!KubernetesOptions.IsReverseZone(zones[i]))
            {
                primary = i;
                break;
            }
        }
        if (primary < 0)
        {
            throw d.Err("non-reverse zone name must be used");
        }

        var o = new KubernetesOptions { Zones = zones, PrimaryZoneIndex = primary };
        while (d.NextBlock())
        {
            var prop = d.Val;
            switch (prop)
            {
                case "endpoint":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count == 0)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { Endpoints = a };
                        break;
                    }
                case "tls":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count != 3)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { TlsCert = a[0], TlsKey = a[1], TlsCa = a[2] };
                        break;
                    }
                case "kubeconfig":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count is < 1 or > 2)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { Kubeconfig = a[0], KubeconfigContext = a.Count == 2 ? a[1] : null };
                        break;
                    }
                case "manifests":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        o = o with { ManifestsPath = a[0] };
                        break;
                    }
                case "namespaces":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count == 0)
                        {
                            throw d.ArgErr();
                        }
                        var list = new List<string>(a.Count);
                        foreach (var n in a)
                        {
                            list.Add(n.ToLowerInvariant());
                        }
                        o = o with { Namespaces = list };
                        break;
                    }
                case "namespace_labels":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count == 0)
                        {
                            throw d.ArgErr();
                        }
                        var selector = string.Join(' ', a);
                        if (!KubeLabelSelector.TryParse(selector, out _, out var why))
                        {
                            throw d.Err($"unable to parse namespace_labels selector value: '{selector}' -> {why}");
                        }
                        o = o with { NamespaceLabels = selector };
                        break;
                    }
                case "labels":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count == 0)
                        {
                            throw d.ArgErr();
                        }
                        var selector = string.Join(' ', a);
                        if (!KubeLabelSelector.TryParse(selector, out _, out var why))
                        {
                            throw d.Err($"unable to parse label selector value: '{selector}' -> {why}");
                        }
                        o = o with { Labels = selector };
                        break;
                    }
                case "pods":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        o = o with
                        {
                            Pods = a[0] switch
                            {
                                "disabled" => PodMode.Disabled,
                                "insecure" => PodMode.Insecure,
                                "verified" => PodMode.Verified,
                                _ => throw d.Err($"invalid value for pods: '{a[0]}', must be one of: disabled, verified, insecure"),
                            },
                        };
                        break;
                    }
                case "endpoint_pod_names":
                    NoArgs(d);
                    o = o with { EndpointPodNames = true };
                    break;
                case "noendpoints":
                    NoArgs(d);
                    o = o with { NoEndpoints = true };
                    break;
                case "zonal":
                    NoArgs(d);
                    o = o with { Zonal = true };
                    break;
                case "ttl":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        if (!int.TryParse(a[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ttl))
                        {
                            throw d.Err($"ttl must be an integer: '{a[0]}'");
                        }
                        if (ttl is < 0 or > 3600)
                        {
                            throw d.Err($"ttl must be in range [0, 3600]: {ttl}");
                        }
                        o = o with { Ttl = (uint)ttl };
                        break;
                    }
                case "fallthrough":
                    {
                        var a = d.RemainingArgs();
                        var list = new List<string>();
                        if (a.Count == 0)
                        {
                            list.Add(".");
                        }
                        foreach (var z in a)
                        {
                            AddZones(list, z, d);
                        }
                        o = o with { Fallthrough = list };
                        break;
                    }
                case "ignore":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count == 0)
                        {
                            throw d.ArgErr();
                        }
                        foreach (var x in a)
                        {
                            if (x != "empty_service")
                            {
                                throw d.Err($"unable to parse ignore value: '{x}'");
                            }
                        }
                        o = o with { IgnoreEmptyService = true };
                        break;
                    }
                case "startup_timeout":
                    {
                        var a = d.RemainingArgs();
                        if (a.Count != 1)
                        {
                            throw d.ArgErr();
                        }
                        if (!GoDuration.TryParse(a[0], out var t) || t < TimeSpan.Zero)
                        {
                            throw d.Err($"invalid startup_timeout: '{a[0]}'");
                        }
                        o = o with { StartupTimeout = t };
                        break;
                    }
                case "apiserver_qps":
                    o = o with { ApiServerQps = NonNegative(d, prop) };
                    break;
                case "apiserver_burst":
                    o = o with { ApiServerBurst = NonNegative(d, prop) };
                    break;
                case "apiserver_max_inflight":
                    o = o with { ApiServerMaxInflight = NonNegative(d, prop) };
                    break;
                case "multicluster":
                    throw d.Err("multicluster is not supported by this server");
                default:
                    throw d.Err($"unknown property '{prop}'");
            }
        }
        if (d.Next())
        {
            throw d.Err("this plugin can only be used once per Server Block");
        }
        if (o.Namespaces.Count > 0 && o.NamespaceLabels is not null)
        {
            throw d.Err("namespaces and namespace_labels cannot both be set");
        }
        if (o.Zonal && o.NoEndpoints)
        {
            throw d.Err("zonal and noendpoints cannot both be set");
        }
        return o;
    }

    /// <summary>The server's own non-loopback addresses: bound ones, else every interface address (reference §2.6).</summary>
    internal static IReadOnlyList<IPAddress> LocalAddresses(BlockConfig config)
    {
        var list = new List<IPAddress>();
        if (config.BindAddresses.Count > 0)
        {
            foreach (var a in config.BindAddresses)
            {
                if (!IPAddress.IsLoopback(a) && !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any))
                {
                    list.Add(a);
                }
            }
            return list;
        }
        foreach (var address in InterfaceAddresses.All())
        {
            var a = address;
            if (a.IsIPv6LinkLocal && a.ScopeId != 0)
            {
                a = new IPAddress(a.GetAddressBytes());
            }
            if (!IPAddress.IsLoopback(a) && !list.Contains(a))
            {
                list.Add(a);
            }
        }
        return list;
    }

    /// <summary>The <c>search</c> domains of a resolv.conf as lower-case FQDNs (empty when unreadable).</summary>
    internal static IReadOnlyList<string> ResolvConfSearch(string path)
    {
        var list = new List<string>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return list;
        }
        catch (UnauthorizedAccessException)
        {
            return list;
        }
        foreach (var line in lines)
        {
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0] != "search")
            {
                continue;
            }
            list.Clear();
            for (var i = 1; i < fields.Length; i++)
            {
                var d = fields[i].ToLowerInvariant();
                list.Add(d.EndsWith('.') ? d : d + ".");
            }
        }
        return list;
    }

    private static void AddZones(List<string> zones, string arg, CorefileDispenser d)
    {
        var token = new CorefileToken(arg, d.File, d.Line);
        var list = arg.Contains('/') ? ZoneAddressParser.ReverseZones(arg, token) : [ZoneAddressParser.NormalizeZone(arg, token)];
        foreach (var z in list)
        {
            if (!zones.Contains(z))
            {
                zones.Add(z);
            }
        }
    }

    private static void NoArgs(CorefileDispenser d)
    {
        if (d.RemainingArgs().Count != 0)
        {
            throw d.ArgErr();
        }
    }

    private static int NonNegative(CorefileDispenser d, string prop)
    {
        var a = d.RemainingArgs();
        if (a.Count != 1)
        {
            throw d.ArgErr();
        }
        if (!int.TryParse(a[0], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            throw d.Err($"{prop}: expected a non-negative integer, got '{a[0]}'");
        }
        return v;
    }
}
