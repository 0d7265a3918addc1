using System.Text;

namespace Kgssl.Config;

/// <summary>
/// The one reading of an ISO date (yyyy-MM-dd, spaces around it allowed) and of a period of two of them: data
/// files, the configuration and the command line all read dates here. Callers word their own error.
/// </summary>
public static class IsoDate
{
    /// <summary>Reads yyyy-MM-dd from UTF-8 bytes; false for anything else, an impossible day included.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        text = text.Trim((byte)' ');
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !Digits(text[..4], out int y) || !Digits(text[5..7], out int m) || !Digits(text[8..10], out int d)
            || m is < 1 or > 12 || d < 1 || y < 1 || d > DateTime.DaysInMonth(y, m))
            return false;
        date = new DateOnly(y, m, d);
        return true;
    }

    // digits only: a parser of numbers would take "+999" for a year
    static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>Reads yyyy-MM-dd from text; false for anything else.</summary>
    public static bool TryParse(string text, out DateOnly date)
    {
        date = default;
        // a date is 10 ASCII bytes: longer text, however padded, is not one worth encoding
        return text.Length <= 64 && TryParse(Encoding.UTF8.GetBytes(text), out date);
    }

    /// <summary>Reads a period START:END (or START..END) of two ISO dates; false when it is not two dates. Whether
    /// the end comes after the start is the caller's check.</summary>
    public static bool TryParsePeriod(string text, out DateOnly start, out DateOnly end)
    {
        (start, end) = (default, default);
        var parts = text.Contains("..") ? text.Split("..") : text.Split(':');
        return parts.Length == 2 && TryParse(parts[0], out start) && TryParse(parts[1], out end);
    }
}
