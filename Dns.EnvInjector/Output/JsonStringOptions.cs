using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dns.EnvInjector.Output;

/// <summary>Shared serializer options.</summary>
internal static class JsonStringOptions
{
    /// <summary>Escapes only what JSON requires (quotes, backslash, control characters).</summary>
    public static JsonSerializerOptions Relaxed { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
