using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dns.Core.Pipeline;
using Dns.Server.Hosting;

namespace Dns.Server.Transport;

/// <summary>The batched receive/send loop (Linux): up to <see cref="Batch"/> datagrams per system call each way.</summary>
internal sealed partial class UdpListener
{
    private const int Batch = 32;
    private const int RecvSlot = 4096;
    private const int SendSlot = 4096;
    private const int NameSlot = 128;
    private const int AfInet = 2;
    private const int AfInet6 = 10;

    private unsafe void MmsgLoop(Socket socket)
    {
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var recv = (byte*)NativeMemory.AlignedAlloc(Batch * RecvSlot, 64);
        var send = (byte*)NativeMemory.AlignedAlloc(Batch * SendSlot, 64);
        var names = (byte*)NativeMemory.AllocZeroed(Batch * NameSlot);
        var riov = (LinuxMmsg.IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxMmsg.IoVec)));
        var siov = (LinuxMmsg.IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxMmsg.IoVec)));
        var rhdr = (LinuxMmsg.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxMmsg.MMsgHdr)));
        var shdr = (LinuxMmsg.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(LinuxMmsg.MMsgHdr)));
        var done = new DnsContext?[Batch];
        var doneHandlers = new QueryHandler?[Batch];
        var large = GC.AllocateUninitializedArray<byte>(65535, pinned: true);
        var local = socket.LocalEndPoint;
        var replay = new ReplayCache();
        try
        {
            for (var i = 0; i < Batch; i++)
            {
                riov[i].Base = recv + (i * RecvSlot);
                riov[i].Length = RecvSlot;
                rhdr[i].Header.Iov = &riov[i];
                rhdr[i].Header.IovLength = 1;
                rhdr[i].Header.Name = names + (i * NameSlot);
                shdr[i].Header.Iov = &siov[i];
                shdr[i].Header.IovLength = 1;
            }
            while (!_stopping)
            {
                for (var i = 0; i < Batch; i++)
                {
                    rhdr[i].Header.NameLength = NameSlot;
                    rhdr[i].Header.Flags = 0;
                    rhdr[i].Length = 0;
                }
                var n = LinuxMmsg.RecvMmsg(fd, rhdr, Batch, LinuxMmsg.MsgWaitForOne, null);
                if (_stopping)
                {
                    return;
                }
                if (n <= 0)
                {
                    // EAGAIN (receive timeout), EINTR: go round again; anything else too, the loop must not die.
                    continue;
                }
                var outCount = 0;
                var doneCount = 0;
                for (var i = 0; i < n; i++)
                {
                    try
                    {
                        if ((rhdr[i].Header.Flags & LinuxMmsg.MsgTrunc) != 0)
                        {
                            continue;
                        }
                        var name = names + (i * NameSlot);
                        var nameLen = (int)rhdr[i].Header.NameLength;
                        var handler = _handler();
                        var packet = new ReadOnlySpan<byte>(recv + (i * RecvSlot), (int)rhdr[i].Length);
                        var family = ReplayCache.FamilyOf(new ReadOnlySpan<byte>(name, nameLen));
                        var slot = send + (outCount * SendSlot);
                        var replayed = replay.TryReplay(handler, packet, family, new Span<byte>(slot, SendSlot));
                        if (replayed >= 0)
                        {
                            siov[outCount].Base = slot;
                            siov[outCount].Length = (nuint)replayed;
                            shdr[outCount].Header.Name = name;
                            shdr[outCount].Header.NameLength = (uint)nameLen;
                            outCount++;
                            continue;
                        }
                        var remote = ToEndPoint(new ReadOnlySpan<byte>(name, nameLen));
                        if (remote is null)
                        {
                            continue;
                        }
                        var epoch = ReplayEpoch.Current;
                        var ctx = handler.Accept(packet, DnsTransport.Udp, remote, local, out var chain);
                        if (ctx is null)
                        {
                            continue;
                        }
                        if (chain is not null)
                        {
                            var vt = handler.RunAsync(ctx, chain);
                            if (!vt.IsCompletedSuccessfully)
                            {
                                _ = CompleteAsync(socket, vt, ctx, ToSocketAddress(socket.AddressFamily, new ReadOnlySpan<byte>(name, nameLen)), handler);
                                continue;
                            }
                        }
                        if (ctx.ResponseSizeLimit <= SendSlot)
                        {
                            var len = QueryHandler.Encode(ctx, new Span<byte>(slot, SendSlot));
                            replay.Remember(handler, packet, family, epoch, ctx, new ReadOnlySpan<byte>(slot, len));
                            siov[outCount].Base = slot;
                            siov[outCount].Length = (nuint)len;
                            shdr[outCount].Header.Name = name;
                            shdr[outCount].Header.NameLength = (uint)nameLen;
                            outCount++;
                        }
                        else
                        {
                            var len = QueryHandler.Encode(ctx, large);
                            try
                            {
                                socket.SendTo(large.AsSpan(0, len), SocketFlags.None, ToSocketAddress(socket.AddressFamily, new ReadOnlySpan<byte>(name, nameLen)));
                            }
                            catch (SocketException)
                            {
                            }
                        }
                        done[doneCount] = ctx;
                        doneHandlers[doneCount] = handler;
                        doneCount++;
                    }
                    catch (Exception e)
                    {
                        // Nothing a client sends may stop this loop.
                        ServerMetrics.Panics.Inc();
                        LogHandlerError(_log, e);
                    }
                }
                SendAll(fd, shdr, outCount);
                BenchStats.Replies.Add(outCount);
                for (var k = 0; k < doneCount; k++)
                {
                    try
                    {
                        doneHandlers[k]!.Observer?.Invoke(done[k]!);
                        done[k]!.Complete();
                    }
                    catch (Exception e)
                    {
                        ServerMetrics.Panics.Inc();
                        LogHandlerError(_log, e);
                    }
                    done[k] = null;
                    doneHandlers[k] = null;
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(recv);
            NativeMemory.AlignedFree(send);
            NativeMemory.Free(names);
            NativeMemory.Free(riov);
            NativeMemory.Free(siov);
            NativeMemory.Free(rhdr);
            NativeMemory.Free(shdr);
        }
    }

    private static unsafe void SendAll(int fd, LinuxMmsg.MMsgHdr* hdr, int count)
    {
        var start = 0;
        while (start < count)
        {
            var sent = LinuxMmsg.SendMmsg(fd, hdr + start, (uint)(count - start), 0);
            if (sent < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxMmsg.Eintr)
                {
                    continue;
                }
                // The first message failed (unreachable client, full buffer): UDP makes no promise; skip it.
                start++;
                continue;
            }
            start += sent;
        }
    }

    /// <summary>A sockaddr_in/sockaddr_in6 as an endpoint, IPv4-mapped addresses unwrapped.</summary>
    private static IPEndPoint? ToEndPoint(ReadOnlySpan<byte> sa)
    {
        if (sa.Length < 8)
        {
            return null;
        }
        var family = MemoryMarshal.Read<ushort>(sa);
        var port = BinaryPrimitives.ReadUInt16BigEndian(sa[2..]);
        if (family == AfInet)
        {
            return new IPEndPoint(new IPAddress(sa.Slice(4, 4)), port);
        }
        if (family == AfInet6 && sa.Length >= 24)
        {
            var addr = sa.Slice(8, 16);
            if (addr[..10].IndexOfAnyExcept((byte)0) < 0 && addr[10] == 0xFF && addr[11] == 0xFF)
            {
                return new IPEndPoint(new IPAddress(addr[12..]), port);
            }
            var scope = sa.Length >= 28 ? MemoryMarshal.Read<uint>(sa[24..]) : 0;
            return new IPEndPoint(new IPAddress(addr, scope), port);
        }
        return null;
    }

    private static SocketAddress ToSocketAddress(AddressFamily family, ReadOnlySpan<byte> sa)
    {
        var copy = new SocketAddress(family, sa.Length);
        sa.CopyTo(copy.Buffer.Span);
        return copy;
    }
}
