using System.Security.Cryptography.X509Certificates;

namespace Dns.EnvInjector.Webhook;

/// <summary>
/// The serving certificate from PEM files, reloaded when either file changes (cert-manager and similar rotate the
/// Secret in place), so the webhook never needs a restart for a renewal. A failed reload keeps the previous pair.
/// </summary>
internal sealed class CertificateStore
{
    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private (DateTime Cert, DateTime Key) _stamp;

    /// <summary>Loads the pair; throws when it cannot be read.</summary>
    public CertificateStore(string certPath, string keyPath)
    {
        _certPath = certPath;
        _keyPath = keyPath;
        _stamp = Stamp();
        _current = Load();
    }

    /// <summary>The certificate to present, reloaded first if the files changed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            var stamp = Stamp();
            if (stamp == _stamp)
            {
                return _current;
            }
            lock (_gate)
            {
                if (stamp != _stamp)
                {
                    try
                    {
                        _current = Load();
                    }
                    catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
                    {
                        // Half-written files during a rotation: keep serving the old pair and retry next time.
                        return _current;
                    }
                    _stamp = stamp;
                }
                return _current;
            }
        }
    }

    private (DateTime, DateTime) Stamp() => (File.GetLastWriteTimeUtc(_certPath), File.GetLastWriteTimeUtc(_keyPath));

    private X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(_certPath, _keyPath);
}
