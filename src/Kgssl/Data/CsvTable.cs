using System.Globalization;

namespace Kgssl.Data;

/// <summary>A run's CSV table read by column name, so that a reordered or widened file is read right or refused
/// with its name, never read from the wrong column.</summary>
public sealed class CsvTable
{
    readonly string _path;
    readonly Dictionary<string, int> _columns;

    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    CsvTable(string path, string[] header, List<string[]> rows)
    {
        _path = path;
        Header = header;
        _columns = header.Select((h, i) => (h, i)).GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().i);
        Rows = rows;
    }

    /// <summary>The table at <paramref name="path"/> (header, then one row per non-empty line).</summary>
    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new DataFormatException(path, 1, "empty file; expected a header line");
        var header = lines[0].Split(',');
        var rows = new List<string[]>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var row = TextParsing.SplitDelimited(lines[i], ',', path, i + 1);
            if (row.Length != header.Length) throw new DataFormatException(path, i + 1,
                $"expected {header.Length} comma-separated fields as in the header, got {row.Length}");
            rows.Add(row);
        }
        return new CsvTable(path, header, rows);
    }

    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>The index of <paramref name="column"/>; an error naming the file when it has none.</summary>
    public int Column(string column) => _columns.TryGetValue(column, out int i) ? i
        : throw new DataFormatException(_path, 1, $"no column '{column}' (has: {string.Join(", ", _columns.Keys)})");

    public string Text(string[] row, string column) => row[Column(column)];

    public double Number(string[] row, string column) =>
        double.Parse(row[Column(column)], NumberStyles.Float, CultureInfo.InvariantCulture);
}
