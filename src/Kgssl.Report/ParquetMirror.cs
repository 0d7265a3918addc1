using System.Globalization;
using Kgssl.Data;
using Parquet.Schema;

namespace Kgssl.Report;

/// <summary>
/// The Parquet twin of a run's CSV tables: the same columns in the same order, a column of numbers (empty cells
/// as NaN) as doubles, any other column as strings. One place for all tables, so no writer can forget its twin.
/// </summary>
public static class ParquetMirror
{
    /// <summary>Writes X.parquet beside every X.csv of the folder (not its subfolders) that lacks an up-to-date
    /// one.</summary>
    public static int Folder(string folder)
    {
        int written = 0;
        foreach (var csv in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            string parquet = Path.ChangeExtension(csv, ".parquet");
            if (File.Exists(parquet) && File.GetLastWriteTimeUtc(parquet) >= File.GetLastWriteTimeUtc(csv)) continue;
            Write(csv, parquet);
            written++;
        }
        return written;
    }

    /// <summary>Writes the table of <paramref name="csv"/> as Parquet to <paramref name="parquet"/>.</summary>
    public static void Write(string csv, string parquet) => WriteAsync(csv, parquet).GetAwaiter().GetResult();

    static async Task WriteAsync(string csv, string parquet)
    {
        var (header, rows) = TextParsing.ReadTable(csv, ',');
        var numbers = new double[header.Length][];
        var fields = new DataField[header.Length];
        for (int c = 0; c < header.Length; c++)
        {
            numbers[c] = ParseColumn(rows, c);
            fields[c] = numbers[c].Length == rows.Count ? new DataField<double>(header[c])
                : new DataField<string>(header[c]);
        }
        string temp = parquet + $".{Environment.ProcessId}.tmp";
        await using (var stream = File.Create(temp))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        {
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < header.Length; c++)
            {
                if (fields[c] is DataField<double>) await group.WriteAsync(fields[c],
                    new ReadOnlyMemory<double>(numbers[c]));
                else await group.WriteAsync(fields[c], rows.Select(r => r.Fields[c]).ToArray());
            }
        }
        File.Move(temp, parquet, overwrite: true);
    }

    /// <summary>The column as numbers (empty cells NaN), or an empty array when any cell is not a number, when a cell
    /// is an identifier that only looks like one (a leading zero before a digit, as CAMELS-US gauge ids 01022500), or
    /// when every cell is empty.</summary>
    static double[] ParseColumn(List<(string[] Fields, int Line)> rows, int c)
    {
        var values = new double[rows.Count];
        bool any = false;
        for (int i = 0; i < rows.Count; i++)
        {
            string s = rows[i].Fields[c].Trim();
            if (s.Length == 0) { values[i] = double.NaN; continue; }
            string digits = s.TrimStart('-', '+');
            if (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1])) return [];
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])) return [];
            any = true;
        }
        return any ? values : [];
    }
}
