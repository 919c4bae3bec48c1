namespace Dns.Server.Hosting.Http;

/// <summary>What an HTTP route answers: a status code, a body and its content type.</summary>
internal readonly record struct HttpResponse(int Status, string Body, string ContentType = "text/plain; charset=utf-8");
