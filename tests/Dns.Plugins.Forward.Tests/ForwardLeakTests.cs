using Dns.Core.Protocol;
using Dns.Testing;

namespace Dns.Plugins.Forward.Tests;

[CollectionDefinition(nameof(SocketCountCollection), DisableParallelization = true)]
public sealed class SocketCountCollection
{
}

/// <summary>Counts the process's open descriptors, so it runs alone.</summary>
[Collection(nameof(SocketCountCollection))]
public sealed class ForwardLeakTests
{
    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    [Fact]
    public async Task Exchange_ManyTimeoutsAndAnswers_NoSocketLeft()
    {
        var silent = true;
        await using var up = FakeUpstream.Start(r => silent
            ? FakeReply.Drop
            : FakeReply.Of(FakeReply.Answer(r.Query, $"{r.Query.Question.Name.Text} 60 IN A 192.0.2.1")));
        using var f = ForwardUnderTest.Create($"forward . {up.Address} {{\n read_timeout 100ms\n max_fails 0\n}}");
        await f.RunAsync("warmup.example.org");
        var baseline = OpenDescriptors();

        var timeouts = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => f.RunAsync($"t{i}.example.org")));
        silent = false;
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => f.RunAsync($"a{i}.example.org")));

        Assert.All(timeouts, c => Assert.Equal(ResponseCode.ServFail, c.Response!.ResponseCode));
        Assert.All(answers, c => Assert.Equal(ResponseCode.NoError, c.Response!.ResponseCode));
        // coredns/coredns#6090: every per-query UDP socket is closed, timed out or not.
        Assert.InRange(OpenDescriptors(), 0, baseline + 5);
    }
}
