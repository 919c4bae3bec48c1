using System.Buffers.Binary;
using System.Net;

namespace Dns.Core.Protocol;

/// <summary>
/// Span-based message writer with name compression (RFC 1035 §4.1.4). Writes past the end of the buffer are
/// recorded in <see cref="Overflow"/> instead of throwing, so a record that does not fit can be rolled back.
/// </summary>
public ref struct DnsMessageWriter
{
    /// <summary>Largest message (the TCP length prefix is 16 bits).</summary>
    public const int MaxMessageSize = 65535;

    private readonly Span<byte> _buffer;
    private readonly CompressionTable? _table;
    private int _position;
    private bool _overflow;

    /// <summary>A writer over <paramref name="buffer"/>; with no table names are not compressed.</summary>
    public DnsMessageWriter(Span<byte> buffer, CompressionTable? table)
    {
        _buffer = buffer;
        _table = table;
        _position = 0;
        _overflow = false;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>True once a write did not fit.</summary>
    public readonly bool Overflow => _overflow;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        if (Ensure(1))
        {
            _buffer[_position++] = value;
        }
    }

    /// <summary>Writes a big-endian 16-bit value.</summary>
    public void WriteUInt16(ushort value)
    {
        if (Ensure(2))
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
            _position += 2;
        }
    }

    /// <summary>Writes a big-endian 32-bit value.</summary>
    public void WriteUInt32(uint value)
    {
        if (Ensure(4))
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
            _position += 4;
        }
    }

    /// <summary>Writes raw bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        if (Ensure(bytes.Length))
        {
            bytes.CopyTo(_buffer[_position..]);
            _position += bytes.Length;
        }
    }

    /// <summary>Writes an address in network order (4 or 16 bytes).</summary>
    public void WriteAddress(IPAddress address)
    {
        Span<byte> tmp = stackalloc byte[16];
        if (address.TryWriteBytes(tmp, out var n))
        {
            WriteBytes(tmp[..n]);
        }
    }

    /// <summary>Writes a character-string (RFC 1035 §3.3): a length octet and up to 255 Latin-1 octets.</summary>
    public void WriteCharacterString(string text)
    {
        var len = Math.Min(text.Length, 255);
        if (Ensure(len + 1))
        {
            _buffer[_position++] = (byte)len;
            for (var i = 0; i < len; i++)
            {
                _buffer[_position++] = (byte)text[i];
            }
        }
    }

    /// <summary>Writes a name, pointing at an earlier identical suffix when <paramref name="compress"/> is set.</summary>
    public void WriteName(DnsName name, bool compress)
    {
        var wire = name.WireArray;
        var i = 0;
        while (wire[i] != 0)
        {
            if (_table is not null)
            {
                // A name that must not be compressed (SRV target, RFC 2782) may still be pointed at by later
                // names, as miekg/dns does; pointers only reach the first 16 KiB (14-bit offsets, RFC 1035 §4.1.4).
                var at = compress ? _table.Find(wire, i) : -1;
                if (at >= 0)
                {
                    WriteUInt16((ushort)(0xC000 | at));
                    return;
                }
                if (_position <= 0x3FFF && !_overflow && (compress || _table.Find(wire, i) < 0))
                {
                    _table.Add(wire, i, _position);
                }
            }
            var len = wire[i];
            WriteBytes(wire.AsSpan(i, len + 1));
            i += len + 1;
        }
        WriteByte(0);
    }

    /// <summary>Writes a whole record: owner, type, class, TTL, RDLENGTH and RDATA.</summary>
    public void WriteRecord(DnsRecord record)
    {
        WriteName(record.Name, compress: true);
        WriteUInt16((ushort)record.Type);
        WriteUInt16((ushort)record.Class);
        WriteUInt32(record.Ttl);
        var lenAt = _position;
        WriteUInt16(0);
        var start = _position;
        record.WriteData(ref this);
        PatchUInt16(lenAt, (ushort)(_position - start));
    }

    /// <summary>Overwrites a 16-bit value written earlier.</summary>
    public void PatchUInt16(int offset, ushort value)
    {
        if (!_overflow && offset + 2 <= _position)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[offset..], value);
        }
    }

    private void Rewind(int position, int tableMark)
    {
        _position = position;
        _overflow = false;
        _table?.Rollback(tableMark);
    }

    private bool Ensure(int n)
    {
        if (_overflow || _position + n > _buffer.Length)
        {
            _overflow = true;
            return false;
        }
        return true;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="destination"/> within <paramref name="maxSize"/> bytes.
    /// When the records do not all fit, writing stops at the first record that does not (in any section), the OPT
    /// record is still written last, and TC is set — what miekg/dns <c>Truncate</c> does for CoreDNS.
    /// Returns the number of bytes written.
    /// </summary>
    public static int Write(DnsMessage message, Span<byte> destination, int maxSize = MaxMessageSize) =>
        Write(message, destination, maxSize, message.Id, message.Opt);

    /// <summary>
    /// As <see cref="Write(DnsMessage, Span{byte}, int)"/> but with the ID and OPT record given separately, so a
    /// shared (cached) message is never mutated per query.
    /// </summary>
    public static int Write(DnsMessage message, Span<byte> destination, int maxSize, ushort id, OptRecord? opt)
    {
        var table = CompressionTable.ForCurrentThread();
        var limit = Math.Min(Math.Min(maxSize, MaxMessageSize), destination.Length);
        var w = new DnsMessageWriter(destination[..limit], table);
        var optLen = opt?.WireLength ?? 0;
        var budget = limit - optLen;

        w.WriteUInt16(id);
        w.WriteUInt16(0);
        w.WriteUInt16(0);
        w.WriteUInt16(0);
        w.WriteUInt16(0);
        w.WriteUInt16(0);
        if (w._overflow)
        {
            throw new ArgumentException("buffer smaller than a DNS header", nameof(destination));
        }

        var truncated = message.Truncated;
        var qd = 0;
        foreach (var q in message.Questions)
        {
            var mark = w._position;
            var tmark = table.Count;
            w.WriteName(q.Name, compress: true);
            w.WriteUInt16((ushort)q.Type);
            w.WriteUInt16((ushort)q.Class);
            if (w._overflow || w._position > budget)
            {
                w.Rewind(mark, tmark);
                truncated = true;
                break;
            }
            qd++;
        }

        var an = 0;
        var ns = 0;
        var ar = 0;
        if (!truncated || qd == message.Questions.Count)
        {
            var full = false;
            an = WriteSection(ref w, message.Answers, budget, ref full);
            if (!full)
            {
                ns = WriteSection(ref w, message.Authority, budget, ref full);
            }
            if (!full)
            {
                ar = WriteSection(ref w, message.Additional, budget, ref full);
            }
            truncated |= full;
        }

        if (opt is not null)
        {
            var optMark = w._position;
            w.WriteByte(0);
            w.WriteUInt16((ushort)DnsRecordType.Opt);
            w.WriteUInt16(opt.UdpPayloadSize);
            var ttl = ((uint)((int)message.ResponseCode >> 4) << 24) | ((uint)opt.Version << 16) | (opt.DnssecOk ? 0x8000u : 0u) | (opt.Z & 0x7FFFu);
            w.WriteUInt32(ttl);
            var lenAt = w._position;
            w.WriteUInt16(0);
            var start = w._position;
            foreach (var o in opt.Options)
            {
                w.WriteUInt16(o.Code);
                w.WriteUInt16((ushort)o.Data.Length);
                w.WriteBytes(o.Data);
            }
            w.PatchUInt16(lenAt, (ushort)(w._position - start));
            if (w._overflow)
            {
                // Only when maxSize leaves no room for the OPT at all: send the header without it rather than a
                // count that promises a record the bytes do not hold.
                w.Rewind(optMark, table.Count);
                truncated = true;
            }
            else
            {
                ar++;
            }
        }

        var flags = 0;
        if (message.IsResponse) flags |= 0x8000;
        flags |= ((int)message.OpCode & 0xF) << 11;
        if (message.AuthoritativeAnswer) flags |= 0x0400;
        if (truncated) flags |= 0x0200;
        if (message.RecursionDesired) flags |= 0x0100;
        if (message.RecursionAvailable) flags |= 0x0080;
        if (message.Zero) flags |= 0x0040;
        if (message.AuthenticData) flags |= 0x0020;
        if (message.CheckingDisabled) flags |= 0x0010;
        flags |= (int)message.ResponseCode & 0xF;
        var d = destination;
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(d[4..], (ushort)qd);
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], (ushort)an);
        BinaryPrimitives.WriteUInt16BigEndian(d[8..], (ushort)ns);
        BinaryPrimitives.WriteUInt16BigEndian(d[10..], (ushort)ar);
        return w._position;
    }

    private static int WriteSection(ref DnsMessageWriter w, List<DnsRecord> records, int budget, ref bool full)
    {
        var n = 0;
        foreach (var r in records)
        {
            var mark = w._position;
            var tmark = w._table?.Count ?? 0;
            w.WriteRecord(r);
            if (w._overflow || w._position > budget)
            {
                w.Rewind(mark, tmark);
                full = true;
                return n;
            }
            n++;
        }
        return n;
    }
}
