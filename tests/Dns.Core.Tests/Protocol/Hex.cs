using System.Globalization;

namespace Dns.Core.Tests.Protocol;

/// <summary>Hex helpers for golden-byte tests: whitespace is ignored and <c>|</c> comments to the end of the line.</summary>
internal static class Hex
{
    public static byte[] Parse(string hex)
    {
        var digits = new System.Text.StringBuilder(hex.Length);
        var comment = false;
        foreach (var c in hex)
        {
            // '|' starts a comment that runs to the end of the line.
            comment = c != '\n' && (comment || c == '|');
            if (comment)
            {
                continue;
            }
            if (Uri.IsHexDigit(c))
            {
                digits.Append(c);
            }
            else if (!char.IsWhiteSpace(c))
            {
                throw new FormatException($"unexpected '{c}' in hex");
            }
        }
        return Convert.FromHexString(digits.ToString());
    }

    public static string Format(ReadOnlySpan<byte> bytes)
    {
        var sb = new System.Text.StringBuilder(bytes.Length * 3);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(i % 16 == 0 ? '\n' : ' ');
            }
            sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Asserts byte equality, showing both sides as hex and the first differing offset.</summary>
    public static void Equal(string expectedHex, ReadOnlySpan<byte> actual)
    {
        var expected = Parse(expectedHex);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
        {
            at++;
        }
        Assert.Fail($"bytes differ at offset {at} (expected {expected.Length} bytes, got {actual.Length})\nexpected:\n{Format(expected)}\nactual:\n{Format(actual)}");
    }
}
