using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Dns.Server.Hosting;

/// <summary>
/// The process's standard streams as the server uses them: UTF-8 writers that flush every write (log lines reach a
/// container's log at once) and, as the console does, drop what cannot be written to a closed pipe instead of
/// failing; stdin opened only when read (<c>-conf stdin</c>). Over the file descriptors directly: the server does
/// not load System.Console (0.3 MB resident) for a log.
/// </summary>
public static class StandardStreams
{
    /// <summary>A writer on file descriptor <paramref name="fd"/> (1: stdout, 2: stderr).</summary>
    public static TextWriter Output(int fd) =>
        TextWriter.Synchronized(new StreamWriter(new DescriptorStream(fd), new UTF8Encoding(false), 256) { AutoFlush = true });

    /// <summary>stdin, opened at its first read.</summary>
    public static TextReader LazyInput() => new LazyReader();

    /// <summary>Writes to a file descriptor; a write the descriptor refuses (EPIPE, EBADF ...) is dropped.</summary>
    private sealed class DescriptorStream(int fd) : Stream
    {
        private readonly FileStream? _file = Open(fd);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                _file?.Write(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The reader went away (EPIPE) or the descriptor is closed (EBADF, which .NET reports as
                // UnauthorizedAccessException): as the console, lose the output rather than the server.
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _file?.Dispose();
            }
            base.Dispose(disposing);
        }

        private static FileStream? Open(int fd)
        {
            try
            {
                return new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Closed or not writable: nothing is written.
                return null;
            }
        }
    }

    private sealed class LazyReader : TextReader
    {
        private TextReader? _in;

        private TextReader In => _in ??= new StreamReader(new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 1), Encoding.UTF8);

        public override int Peek() => In.Peek();

        public override int Read() => In.Read();

        public override int Read(char[] buffer, int index, int count) => In.Read(buffer, index, count);

        public override string? ReadLine() => In.ReadLine();

        public override string ReadToEnd() => In.ReadToEnd();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _in?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
