using Dns.Plugins.Kubernetes.Sources;

namespace Dns.Plugins.Kubernetes.Tests.Sources;

/// <summary>The API source's URL parser reads the parts it uses as <see cref="Uri"/> reads them.</summary>
public sealed class ApiUrlTests
{
    [Theory]
    [InlineData("https://10.96.0.1:443/")]
    [InlineData("https://10.96.0.1")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("HTTPS://Kube.Internal:6443/clusters/east/")]
    [InlineData("https://[fd00:10:96::1]:6443/")]
    [InlineData("https://[FD00:10:96::1]")]
    [InlineData("http://user:p%40ss@proxy.corp:3128")]
    [InlineData("https://api.example.com/prefix/path?x=1#frag")]
    [InlineData("  http://host:80/  ")]
    public void Parts_AsUriReadsThem(string text)
    {
        var uri = new Uri(text.Trim());
        var ours = ApiUrl.Parse(text);
        Assert.Equal(uri.Scheme, ours.Scheme);
        Assert.Equal(uri.Host, ours.Host);
        Assert.Equal(uri.DnsSafeHost, ours.DnsSafeHost);
        Assert.Equal(uri.Port, ours.Port);
        Assert.Equal(uri.IsDefaultPort, ours.IsDefaultPort);
        Assert.Equal(uri.AbsolutePath, ours.Path);
        Assert.Equal(uri.UserInfo, ours.UserInfo);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.96.0.1:443")]
    [InlineData("ftp://host/")]
    [InlineData("unix:///var/run/k8s.sock")]
    [InlineData("https://")]
    [InlineData("https://:443")]
    [InlineData("https://host:port")]
    [InlineData("https://host:70000")]
    [InlineData("https://[fd00::1")]
    [InlineData("https://[not-an-ip]:443")]
    [InlineData("https://a b:443")]
    public void NotAnHttpUrl_Refused(string? text)
    {
        Assert.False(ApiUrl.TryParse(text, out _));
    }

    [Theory]
    [InlineData("next one")]
    [InlineData("app=dns,tier in (a,b)")]
    [InlineData("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ==")]
    [InlineData("ünï-~._/?#[]@!$&'()*+,;%")]
    public void Escape_AsUriEscapeDataString(string value)
    {
        Assert.Equal(Uri.EscapeDataString(value), ApiUrl.Escape(value));
        Assert.Equal(value, ApiUrl.Unescape(ApiUrl.Escape(value)));
    }

    [Theory]
    [InlineData("p%40ss", "p@ss")]
    [InlineData("a%2", "a%2")]
    [InlineData("%zz%41", "%zzA")]
    [InlineData("%C3%BC", "ü")]
    [InlineData("plain", "plain")]
    public void Unescape_AsUriUnescapeDataString(string value, string expected)
    {
        Assert.Equal(Uri.UnescapeDataString(value), ApiUrl.Unescape(value));
        Assert.Equal(expected, ApiUrl.Unescape(value));
    }
}
