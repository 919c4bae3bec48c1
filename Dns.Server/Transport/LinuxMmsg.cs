using System.Runtime.InteropServices;

namespace Dns.Server.Transport;

/// <summary>
/// <c>recvmmsg</c>/<c>sendmmsg</c> (Linux, x64/arm64 LP64 layouts): many datagrams per system call. performance.md:
/// batching took a blocking loop from 0.93x to 1.03x knotd's throughput at lower CPU per query.
/// </summary>
internal static unsafe partial class LinuxMmsg
{
    /// <summary>Return once at least one message arrived (don't wait to fill the batch).</summary>
    public const int MsgWaitForOne = 0x10000;

    /// <summary>The datagram was larger than the buffer.</summary>
    public const int MsgTrunc = 0x20;

    public const int Eintr = 4;
    public const int Eagain = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    /// <summary>True when the calls can be used here.</summary>
    public static bool Supported =>
        OperatingSystem.IsLinux()
        && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        && Environment.GetEnvironmentVariable("DNS_UDP_MMSG") != "0";

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MMsgHdr* msgvec, uint vlen, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MMsgHdr* msgvec, uint vlen, int flags);
}
