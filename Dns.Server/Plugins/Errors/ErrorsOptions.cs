using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Dns.Server.Plugins.Errors;

/// <summary>The <c>errors</c> configuration: stack traces on panics, and the consolidation patterns in order.</summary>
internal sealed record ErrorsOptions(bool Stacktrace, IReadOnlyList<ConsolidatePattern> Patterns);

/// <summary><c>consolidate DURATION REGEXP [LEVEL] [show_first]</c>.</summary>
internal sealed record ConsolidatePattern(TimeSpan Period, Regex Pattern, LogLevel Level, bool ShowFirst);
