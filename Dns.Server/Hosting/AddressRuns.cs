using System.Buffers.Binary;
using Dns.Core.Pipeline;

namespace Dns.Server.Hosting;

/// <summary>
/// Where a written reply's shuffleable address records are: per flagged section, the contiguous run of A/AAAA
/// records, each a fixed-size block (a 2-byte compression pointer as owner, no names in the data), so a replay can
/// permute the blocks without touching any other byte. Pointers only ever point backwards to names written in full
/// (RFC 1035 §4.1.4), and these blocks hold none, so no pointer can refer into a moved block.
/// </summary>
internal static class AddressRuns
{
    /// <summary>
    /// Runs as (offset, count, size) triples, or null when the reply cannot be replayed with shuffling (truncated, a
    /// run that is not contiguous, records of different sizes, an owner written in full).
    /// </summary>
    public static int[]? Find(ReadOnlySpan<byte> reply, ReplaySections sections)
    {
        if (reply.Length < 12 || (reply[2] & 0x02) != 0)
        {
            return null;
        }
        var qd = BinaryPrimitives.ReadUInt16BigEndian(reply[4..]);
        int[] counts = [BinaryPrimitives.ReadUInt16BigEndian(reply[6..]), BinaryPrimitives.ReadUInt16BigEndian(reply[8..]), BinaryPrimitives.ReadUInt16BigEndian(reply[10..])];
        var pos = 12;
        for (var i = 0; i < qd; i++)
        {
            if (!SkipName(reply, ref pos) || (pos += 4) > reply.Length)
            {
                return null;
            }
        }
        var runs = new List<int>(6);
        for (var s = 0; s < 3; s++)
        {
            var flagged = ((int)sections & (1 << s)) != 0;
            int runStart = -1, runCount = 0, runSize = 0;
            var closed = false;
            for (var i = 0; i < counts[s]; i++)
            {
                var start = pos;
                if (!SkipName(reply, ref pos) || pos + 10 > reply.Length)
                {
                    return null;
                }
                var type = BinaryPrimitives.ReadUInt16BigEndian(reply[pos..]);
                var rdlen = BinaryPrimitives.ReadUInt16BigEndian(reply[(pos + 8)..]);
                pos += 10 + rdlen;
                if (pos > reply.Length)
                {
                    return null;
                }
                if (!flagged || type is not (1 or 28))
                {
                    closed |= runStart >= 0;
                    continue;
                }
                var size = pos - start;
                var pointerOwner = (reply[start] & 0xC0) == 0xC0 && size == 12 + rdlen;
                if (closed || !pointerOwner || (runStart >= 0 && size != runSize))
                {
                    return null;
                }
                if (runStart < 0)
                {
                    runStart = start;
                    runSize = size;
                }
                runCount++;
            }
            if (runCount > 1)
            {
                runs.Add(runStart);
                runs.Add(runCount);
                runs.Add(runSize);
            }
        }
        return [.. runs];
    }

    /// <summary>Puts the blocks of every run in a uniformly random order.</summary>
    public static void Shuffle(Span<byte> reply, int[] runs, ref ulong state)
    {
        Span<byte> tmp = stackalloc byte[32];
        for (var r = 0; r < runs.Length; r += 3)
        {
            var offset = runs[r];
            var count = runs[r + 1];
            var size = runs[r + 2];
            var t = tmp[..size];
            for (var i = count - 1; i > 0; i--)
            {
                var j = (int)(Next(ref state) % (ulong)(i + 1));
                if (j == i)
                {
                    continue;
                }
                var a = reply.Slice(offset + (i * size), size);
                var b = reply.Slice(offset + (j * size), size);
                a.CopyTo(t);
                b.CopyTo(a);
                t.CopyTo(b);
            }
        }
    }

    /// <summary>xorshift64*: fast, per-thread, not for secrets (the order of records is not one).</summary>
    private static ulong Next(ref ulong state)
    {
        var x = state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    private static bool SkipName(ReadOnlySpan<byte> m, ref int pos)
    {
        while (pos < m.Length)
        {
            var len = m[pos];
            if ((len & 0xC0) == 0xC0)
            {
                pos += 2;
                return pos <= m.Length;
            }
            pos += 1 + len;
            if (len == 0)
            {
                return true;
            }
        }
        return false;
    }
}
