using System.Buffers.Text;
using System.Globalization;
using Kgssl.Config;

namespace Kgssl.Data;

/// <summary>Allocation-light parsing helpers over UTF-8 lines; every failure names file and line.</summary>
public static class TextParsing
{
    /// <summary>Splits a byte buffer into lines (LF or CRLF): each line's start, length and 1-based number.</summary>
    public static IEnumerable<(int Start, int Length, int Number)> Lines(byte[] buffer)
    {
        int start = 0, number = 0;
        while (start < buffer.Length)
        {
            int end = Array.IndexOf(buffer, (byte)'\n', start);
            int stop = end < 0 ? buffer.Length : end;
            int length = stop - start;
            if (length > 0 && buffer[start + length - 1] == (byte)'\r') length--;
            number++;
            yield return (start, length, number);
            start = stop + 1;
        }
    }

    /// <summary>Parses a float field; empty or NaN/NA means missing when <paramref name="emptyIsNaN"/>.</summary>
    public static float ParseFloat(ReadOnlySpan<byte> field, string file, int line, string column, bool emptyIsNaN)
    {
        field = field.Trim((byte)' ');
        if (field.Length == 0 || field.SequenceEqual("NaN"u8) || field.SequenceEqual("nan"u8)
            || field.SequenceEqual("NA"u8))
        {
            if (emptyIsNaN) return float.NaN;
            throw new DataFormatException(file, line, $"column '{column}': expected a number, got an empty field");
        }
        if ((Utf8Parser.TryParse(field, out double value, out int consumed) && consumed == field.Length)
            || (Utf8Parser.TryParse(field, out value, out consumed, 'E') && consumed == field.Length))
            return float.IsFinite((float)value) ? (float)value
                : throw new DataFormatException(file, line,
                    $"column '{column}': expected a finite number, got '{System.Text.Encoding.UTF8.GetString(field)}'");
        throw new DataFormatException(file, line,
            $"column '{column}': expected a number, got '{System.Text.Encoding.UTF8.GetString(field)}'");
    }

    public static double ParseDouble(string field, string file, int line, string column)
    {
        string f = field.Trim();
        if (f.Length == 0 || f is "NaN" or "nan" or "NA") return double.NaN;
        if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            throw new DataFormatException(file, line, $"column '{column}': expected a number, got '{f}'");
        return double.IsFinite(v) ? v : throw new DataFormatException(file, line,
            $"column '{column}': expected a finite number, got '{f}'");
    }

    /// <summary>Parses an ISO date yyyy-MM-dd (<see cref="IsoDate"/>).</summary>
    public static DateOnly ParseIsoDate(ReadOnlySpan<byte> field, string file, int line) =>
        IsoDate.TryParse(field, out var date) ? date : throw new DataFormatException(file, line,
            $"expected an ISO date yyyy-MM-dd, got '{System.Text.Encoding.UTF8.GetString(field.Trim((byte)' '))}'");

    /// <summary>Checks that dates strictly increase by one day; names the first offending line.</summary>
    public static void RequireDailySequence(DateOnly previous, DateOnly current, string file, int line)
    {
        if (current <= previous)
            throw new DataFormatException(file, line,
                $"date {current:yyyy-MM-dd} is {(current == previous ? "a duplicate" : "out of order")} (previous " +
                $"row {previous:yyyy-MM-dd})");
        if (current.DayNumber != previous.DayNumber + 1)
            throw new DataFormatException(file, line,
                $"date {current:yyyy-MM-dd} skips days after {previous:yyyy-MM-dd}: expected a daily series without " +
                $"gaps");
    }

    /// <summary>Reads a delimited text table with a header into rows of strings; every row must have the header's
    /// width.</summary>
    public static (string[] Header, List<(string[] Fields, int Line)> Rows) ReadTable(string file, char delimiter)
    {
        if (!System.IO.File.Exists(file)) throw new DataFormatException(file, 0, "file not found");
        var lines = System.IO.File.ReadAllLines(file);
        if (lines.Length == 0 || lines[0].Trim().Length == 0) throw new DataFormatException(file, 1,
            "empty file: expected a header line");
        var header = SplitDelimited(lines[0], delimiter, file, 1).Select(h => h.Trim()).ToArray();
        var rows = new List<(string[], int)>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 && i == lines.Length - 1) continue;
            var fields = SplitDelimited(lines[i], delimiter, file, i + 1);
            if (fields.Length != header.Length)
                throw new DataFormatException(file, i + 1,
                    $"expected {header.Length} fields as in the header, got {fields.Length}");
            rows.Add((fields, i + 1));
        }
        return (header, rows);
    }

    /// <summary>The index of <paramref name="name"/> in a header <see cref="ReadTable"/> read; an error naming the file
    /// and the columns it has when it has none.</summary>
    public static int ColumnIndex(string[] header, string name, string file) =>
        Array.IndexOf(header, name) is var i and >= 0 ? i
        : throw new DataFormatException(file, 1, $"no column '{name}' (has: {string.Join(", ", header)})");

    /// <summary>Splits one line of a delimited file, honouring RFC 4180 double quotes ("a, b" and "" inside).</summary>
    public static string[] SplitDelimited(string line, char delimiter, string file, int lineNumber)
    {
        if (line.IndexOf('"') < 0) return line.Split(delimiter);
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        if (quoted) throw new DataFormatException(file, lineNumber, "unterminated quoted field");
        fields.Add(current.ToString());
        return fields.ToArray();
    }
}
