namespace Dns.EnvInjector.Webhook;

/// <summary>An HTTP answer to an admission request: status code, content type and body.</summary>
internal readonly record struct AdmissionResult(int StatusCode, string ContentType, string Body);
