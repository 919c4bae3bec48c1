using System.Buffers.Binary;
using System.Net;

namespace Dns.Core.Protocol;

/// <summary>
/// Span-based message reader. Decompresses names with only backward pointers, each jump strictly before the
/// previous one, so a pointer loop cannot run forever (RFC 9267 §2); enforces label (63) and name (255) limits.
/// Every malformation surfaces as <see cref="DnsFormatException"/>.
/// </summary>
public ref struct DnsMessageReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>A reader at <paramref name="position"/> of <paramref name="data"/>.</summary>
    public DnsMessageReader(ReadOnlySpan<byte> data, int position = 0)
    {
        _data = data;
        _position = position;
    }

    /// <summary>Current offset.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Parses a whole message. Trailing bytes after the last record are a format error.</summary>
    public static DnsMessage Read(ReadOnlySpan<byte> data)
    {
        if (!DnsHeader.TryRead(data, out var h))
        {
            throw new DnsFormatException("message shorter than the 12-byte header");
        }
        var m = new DnsMessage
        {
            Id = h.Id,
            IsResponse = h.IsResponse,
            OpCode = h.OpCode,
            AuthoritativeAnswer = (h.Flags & 0x0400) != 0,
            Truncated = (h.Flags & 0x0200) != 0,
            RecursionDesired = (h.Flags & 0x0100) != 0,
            RecursionAvailable = (h.Flags & 0x0080) != 0,
            Zero = (h.Flags & 0x0040) != 0,
            AuthenticData = (h.Flags & 0x0020) != 0,
            CheckingDisabled = (h.Flags & 0x0010) != 0,
        };
        var r = new DnsMessageReader(data, DnsHeader.Size);
        for (var i = 0; i < h.QuestionCount; i++)
        {
            m.Questions.Add(r.ReadQuestion());
        }
        for (var i = 0; i < h.AnswerCount; i++)
        {
            m.Answers.Add(r.ReadRecord(out var opt) ?? throw new DnsFormatException("OPT record outside the additional section"));
            _ = opt;
        }
        for (var i = 0; i < h.AuthorityCount; i++)
        {
            m.Authority.Add(r.ReadRecord(out _) ?? throw new DnsFormatException("OPT record outside the additional section"));
        }
        for (var i = 0; i < h.AdditionalCount; i++)
        {
            var rec = r.ReadRecord(out var opt);
            if (rec is not null)
            {
                m.Additional.Add(rec);
            }
            else
            {
                if (m.Opt is not null)
                {
                    throw new DnsFormatException("more than one OPT record");
                }
                m.Opt = opt;
            }
        }
        if (r.Remaining != 0)
        {
            throw new DnsFormatException("trailing bytes after the last record");
        }
        var rcode = h.Rcode;
        if (m.Opt is not null)
        {
            rcode |= m.Opt.ExtendedRcode << 4;
        }
        m.ResponseCode = (ResponseCode)rcode;
        return m;
    }

    /// <summary>Reads just the first question of a message, for error replies; false when it cannot be read.</summary>
    public static bool TryReadFirstQuestion(ReadOnlySpan<byte> data, out DnsQuestion? question)
    {
        question = null;
        if (!DnsHeader.TryRead(data, out var h) || h.QuestionCount == 0)
        {
            return false;
        }
        try
        {
            var r = new DnsMessageReader(data, DnsHeader.Size);
            question = r.ReadQuestion();
            return true;
        }
        catch (DnsFormatException)
        {
            return false;
        }
    }

    /// <summary>Reads a question.</summary>
    public DnsQuestion ReadQuestion()
    {
        var name = ReadName();
        var type = (DnsRecordType)ReadUInt16();
        var cls = (DnsClass)ReadUInt16();
        return new DnsQuestion(name, type, cls);
    }

    /// <summary>Reads a big-endian 16-bit value.</summary>
    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return v;
    }

    /// <summary>Reads a big-endian 32-bit value.</summary>
    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    /// <summary>Reads a possibly compressed name.</summary>
    public DnsName ReadName()
    {
        Span<byte> buf = stackalloc byte[DnsName.MaxWireLength];
        var len = 0;
        var pos = _position;
        var jumped = false;
        var limit = _position;
        while (true)
        {
            if (pos >= _data.Length)
            {
                throw new DnsFormatException("name runs past the end of the message");
            }
            var b = _data[pos];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        if (len + 1 > DnsName.MaxWireLength)
                        {
                            throw new DnsFormatException("name longer than 255 octets");
                        }
                        buf[len++] = 0;
                        if (!jumped)
                        {
                            _position = pos + 1;
                        }
                        return len == 1 ? DnsName.Root : DnsName.FromValidatedWire(buf[..len].ToArray());
                    }
                    if (pos + 1 + b > _data.Length)
                    {
                        throw new DnsFormatException("label runs past the end of the message");
                    }
                    if (len + 1 + b + 1 > DnsName.MaxWireLength)
                    {
                        throw new DnsFormatException("name longer than 255 octets");
                    }
                    _data.Slice(pos, b + 1).CopyTo(buf[len..]);
                    len += b + 1;
                    pos += b + 1;
                    break;
                case 0xC0:
                    if (pos + 1 >= _data.Length)
                    {
                        throw new DnsFormatException("compression pointer cut short");
                    }
                    var target = ((b & 0x3F) << 8) | _data[pos + 1];
                    if (target >= limit || target < DnsHeader.Size)
                    {
                        throw new DnsFormatException("compression pointer does not point backwards into the message");
                    }
                    if (!jumped)
                    {
                        _position = pos + 2;
                        jumped = true;
                    }
                    limit = target;
                    pos = target;
                    break;
                default:
                    throw new DnsFormatException("unsupported label type");
            }
        }
    }

    /// <summary>Reads a record; returns null and sets <paramref name="opt"/> for an OPT record.</summary>
    public DnsRecord? ReadRecord(out OptRecord? opt)
    {
        opt = null;
        var name = ReadName();
        var type = (DnsRecordType)ReadUInt16();
        var cls = ReadUInt16();
        var ttl = ReadUInt32();
        var rdlen = ReadUInt16();
        Need(rdlen);
        var end = _position + rdlen;
        if (type == DnsRecordType.Opt)
        {
            if (!name.IsRoot)
            {
                throw new DnsFormatException("OPT record with a non-root owner");
            }
            var o = new OptRecord
            {
                UdpPayloadSize = cls,
                ExtendedRcode = (byte)(ttl >> 24),
                Version = (byte)(ttl >> 16),
                DnssecOk = (ttl & 0x8000) != 0,
                Z = (ushort)(ttl & 0x7FFF),
            };
            while (_position < end)
            {
                var code = ReadUInt16();
                var olen = ReadUInt16();
                if (_position + olen > end)
                {
                    throw new DnsFormatException("EDNS option runs past the OPT record");
                }
                o.Options.Add(new EdnsOption(code, _data.Slice(_position, olen).ToArray()));
                _position += olen;
            }
            opt = o;
            return null;
        }
        var c = (DnsClass)cls;
        if (rdlen == 0 && c is DnsClass.Any or DnsClass.None)
        {
            // RFC 2136 §2.4–2.5: UPDATE prerequisites and deletions carry no RDATA whatever the type; reading them
            // lets the server answer the opcode (NOTIMP) instead of FORMERR, as miekg/dns does.
            return new UnknownRecord(name, ttl, type, [], c);
        }
        DnsRecord rec;
        switch (type)
        {
            case DnsRecordType.A when rdlen == 4:
                rec = new ARecord(name, ttl, new IPAddress(_data.Slice(_position, 4)), c);
                _position += 4;
                break;
            case DnsRecordType.Aaaa when rdlen == 16:
                rec = new AaaaRecord(name, ttl, new IPAddress(_data.Slice(_position, 16)), c);
                _position += 16;
                break;
            case DnsRecordType.A:
            case DnsRecordType.Aaaa:
                throw new DnsFormatException("address record with a wrong RDLENGTH");
            case DnsRecordType.Cname:
                rec = new CnameRecord(name, ttl, ReadNameWithin(end), c);
                break;
            case DnsRecordType.Ns:
                rec = new NsRecord(name, ttl, ReadNameWithin(end), c);
                break;
            case DnsRecordType.Ptr:
                rec = new PtrRecord(name, ttl, ReadNameWithin(end), c);
                break;
            case DnsRecordType.Mx:
                {
                    var pref = ReadUInt16Within(end);
                    rec = new MxRecord(name, ttl, pref, ReadNameWithin(end), c);
                    break;
                }
            case DnsRecordType.Srv:
                {
                    var prio = ReadUInt16Within(end);
                    var weight = ReadUInt16Within(end);
                    var port = ReadUInt16Within(end);
                    rec = new SrvRecord(name, ttl, prio, weight, port, ReadNameWithin(end), c);
                    break;
                }
            case DnsRecordType.Soa:
                {
                    var mname = ReadNameWithin(end);
                    var rname = ReadNameWithin(end);
                    if (_position + 20 > end)
                    {
                        throw new DnsFormatException("SOA RDATA too short");
                    }
                    rec = new SoaRecord(name, ttl, mname, rname, ReadUInt32(), ReadUInt32(), ReadUInt32(), ReadUInt32(), ReadUInt32(), c);
                    break;
                }
            case DnsRecordType.Txt:
                {
                    // RDLENGTH 0 is not a valid TXT (RFC 1035 §3.3.14 wants one string) but miekg/dns reads it as an
                    // empty TXT; keeping it typed lets a TxtRecord without strings round-trip.
                    var strings = new List<string>();
                    while (_position < end)
                    {
                        strings.Add(ReadCharacterString(end));
                    }
                    rec = new TxtRecord(name, ttl, strings, c);
                    break;
                }
            case DnsRecordType.Hinfo:
                {
                    var cpu = ReadCharacterString(end);
                    var os = ReadCharacterString(end);
                    rec = new HinfoRecord(name, ttl, cpu, os, c);
                    break;
                }
            default:
                var layout = CompressibleLayout(type);
                rec = new UnknownRecord(name, ttl, type, layout is null ? _data.Slice(_position, rdlen).ToArray() : ReadExpandedRdata(layout, end), c);
                if (layout is null)
                {
                    _position += rdlen;
                }
                break;
        }
        if (_position != end)
        {
            throw new DnsFormatException("RDATA length does not match its content");
        }
        return rec;
    }

    /// <summary>
    /// RDATA layouts (<c>n</c> name, <c>s</c> 16-bit value) of the types we keep opaque whose names senders may
    /// have compressed: the RFC 1035 types (MD, MF, MB, MG, MR, MINFO) and those RFC 3597 §4 tells receivers to
    /// decompress (RP, AFSDB, RT, PX, KX, DNAME). Kept as raw bytes, a pointer would point elsewhere once the record
    /// is written into another message, so their names are expanded while reading.
    /// </summary>
    private static string? CompressibleLayout(DnsRecordType type) => (ushort)type switch
    {
        3 or 4 or 7 or 8 or 9 or 39 => "n",
        14 or 17 => "nn",
        18 or 21 or 36 => "sn",
        26 => "snn",
        _ => null,
    };

    private byte[] ReadExpandedRdata(string layout, int end)
    {
        var data = new List<byte>(64);
        foreach (var field in layout)
        {
            if (field == 's')
            {
                var v = ReadUInt16Within(end);
                data.Add((byte)(v >> 8));
                data.Add((byte)v);
            }
            else
            {
                data.AddRange(ReadNameWithin(end).Wire);
            }
        }
        return [.. data];
    }

    private DnsName ReadNameWithin(int end)
    {
        var n = ReadName();
        if (_position > end)
        {
            throw new DnsFormatException("name runs past RDATA");
        }
        return n;
    }

    private ushort ReadUInt16Within(int end)
    {
        if (_position + 2 > end)
        {
            throw new DnsFormatException("RDATA too short");
        }
        return ReadUInt16();
    }

    private string ReadCharacterString(int end)
    {
        if (_position >= end)
        {
            throw new DnsFormatException("character-string missing");
        }
        var len = _data[_position];
        if (_position + 1 + len > end)
        {
            throw new DnsFormatException("character-string runs past RDATA");
        }
        var s = System.Text.Encoding.Latin1.GetString(_data.Slice(_position + 1, len));
        _position += 1 + len;
        return s;
    }

    private readonly void Need(int n)
    {
        if (_position + n > _data.Length)
        {
            throw new DnsFormatException("message cut short");
        }
    }
}
