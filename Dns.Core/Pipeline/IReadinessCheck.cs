namespace Dns.Core.Pipeline;

/// <summary>A plugin that is not ready until something has happened (Kubernetes sync); read by the <c>ready</c> plugin.</summary>
public interface IReadinessCheck
{
    /// <summary>Name reported by <c>/ready</c> while not ready.</summary>
    string Name { get; }

    /// <summary>True once ready.</summary>
    bool IsReady { get; }
}
