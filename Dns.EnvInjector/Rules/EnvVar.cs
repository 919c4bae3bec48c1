namespace Dns.EnvInjector.Rules;

/// <summary>One environment variable (a container <c>env</c> entry with a literal value).</summary>
internal readonly record struct EnvVar(string Name, string Value);
