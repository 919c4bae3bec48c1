using System.IO.Pipes;
using Dns.Server.Hosting;

namespace Dns.Server.Tests.Hosting;

/// <summary>The server's stdout and stderr over their file descriptors.</summary>
public sealed class StandardStreamsTests
{
    [Fact]
    public void Output_WritesUtf8Lines_AndDropsWritesOnceTheReaderIsGone()
    {
        var reader = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        using var writeEnd = reader.ClientSafePipeHandle;
        var writer = StandardStreams.Output((int)writeEnd.DangerousGetHandle());
        writer.WriteLine("[INFO] plugin/kubernetes: ünïcode");
        var buffer = new byte[256];
        var n = reader.Read(buffer, 0, buffer.Length);
        Assert.Equal("[INFO] plugin/kubernetes: ünïcode\n", System.Text.Encoding.UTF8.GetString(buffer, 0, n));

        // The reader closes (a log collector went away): writing loses the line, not the server.
        reader.Dispose();
        writer.WriteLine("lost");
        writer.Flush();
    }

    [Fact]
    public void Output_OnAClosedDescriptor_WritesNothingAndDoesNotThrow()
    {
        var writer = StandardStreams.Output(987_654);
        writer.WriteLine("nowhere");
        writer.Flush();
    }
}
