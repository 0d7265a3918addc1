using System.Globalization;
using System.Text;


namespace Kgssl.Runs;

/// <summary>A table of one string key column and numeric columns, written as CSV and Parquet alike.</summary>
public sealed record NumericTable(IReadOnlyList<string> TextColumns, IReadOnlyList<string[]> Text, IReadOnlyList<string> NumberColumns, IReadOnlyList<double[]> Numbers)
{
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder(string.Join(',', TextColumns.Concat(NumberColumns))).Append('\n');
        for (int i = 0; i < Text.Count; i++)
            sb.Append(string.Join(',', Text[i].Select(Quote).Concat(Numbers[i].Select(v => v.ToString("G9", CultureInfo.InvariantCulture))))).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>A tidy (long) Parquet file: one row per (key columns, column, value).</summary>
    public async Task WriteParquetAsync(string path)
    {
        var cells = new List<TidyCell>(Text.Count * NumberColumns.Count);
        for (int i = 0; i < Text.Count; i++)
            for (int c = 0; c < NumberColumns.Count; c++)
                cells.Add(new TidyCell
                {
                    Basin = Text[i][0],
                    BasinSet = Text[i].Length > 1 ? Text[i][1] : "",
                    Note = Text[i].Length > 2 ? Text[i][2] : "",
                    Column = NumberColumns[c],
                    Value = Numbers[i][c],
                });
        await using var stream = File.Create(path);
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(cells, stream);
    }
}

/// <summary>One value of a tidy table, as written to Parquet.</summary>
public sealed class TidyCell
{
    public string Basin { get; set; } = "";
    public string BasinSet { get; set; } = "";
    public string Note { get; set; } = "";
    public string Column { get; set; } = "";
    public double Value { get; set; }
}
