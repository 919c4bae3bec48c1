using System.Security.Cryptography;
using Dns.EnvInjector.Cli;
using Dns.EnvInjector.Sources;
using Dns.EnvInjector.Webhook;

namespace Dns.EnvInjector.Commands;

/// <summary><c>webhook</c>: serves the mutating admission webhook until SIGTERM.</summary>
internal static class WebhookCommand
{
    /// <summary>Runs the webhook; returns the exit code.</summary>
    public static async Task<int> RunAsync(CliOptions options, CliContext context, CancellationToken cancellationToken)
    {
        LabelSelector selector;
        ListenAddress listen;
        CertificateStore certificates;
        try
        {
            selector = LabelSelector.Parse(options.LabelSelector);
            listen = ListenAddress.Parse(options.Listen);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, 2, e);
        }
        try
        {
            certificates = new CertificateStore(options.TlsCert!, options.TlsKey!);
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException("cannot load --tls-cert " + options.TlsCert + " / --tls-key " + options.TlsKey + ": " + e.Message, 1, e);
        }
        var source = await ServiceSource.FollowAsync(context.Access, options.Source, options.Timeout, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var handler = new AdmissionHandler(() => source.Current, selector, options.EnableServiceLinks);
            var server = await WebhookServer.StartAsync(listen, certificates, handler, source, context.Error, cancellationToken).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                context.WebhookStarted?.Invoke(server.Port);
                try
                {
                    await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped by the caller (tests); a normal shutdown.
                }
            }
        }
        return 0;
    }
}
