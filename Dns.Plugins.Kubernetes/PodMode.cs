namespace Dns.Plugins.Kubernetes;

/// <summary>How <c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod.&lt;zone&gt;</c> names are answered (option <c>pods</c>).</summary>
public enum PodMode
{
    /// <summary>Never (NXDOMAIN); the default.</summary>
    Disabled,

    /// <summary>Any parseable IP in an existing namespace (kube-dns compatibility).</summary>
    Insecure,

    /// <summary>Only when a pod in that namespace has that primary IP.</summary>
    Verified,
}
