using System.Globalization;
using System.Text;


namespace Kgssl.Runs;

/// <summary>A table of one string key column and numeric columns, written as CSV and Parquet alike.</summary>
public sealed record NumericTable(IReadOnlyList<string> TextColumns, IReadOnlyList<string[]> Text,
    IReadOnlyList<string> NumberColumns, IReadOnlyList<double[]> Numbers)
{
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder(string.Join(',', TextColumns.Concat(NumberColumns))).Append('\n');
        for (int i = 0; i < Text.Count; i++)
            sb.Append(string.Join(',', Text[i].Select(Quote).Concat(
                Numbers[i].Select(v => v.ToString("G9", CultureInfo.InvariantCulture))))).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>The same table as Parquet, with the CSV's columns: the text columns as strings, the others as
    /// doubles.</summary>
    public async Task WriteParquetAsync(string path)
    {
        var fields = TextColumns.Select(c => (Parquet.Schema.DataField)new Parquet.Schema.DataField<string>(c))
            .Concat(NumberColumns.Select(c => new Parquet.Schema.DataField<double>(c))).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields),
            stream);
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < TextColumns.Count; c++)
            await group.WriteAsync(fields[c], Text.Select(row => row[c]).ToArray());
        for (int c = 0; c < NumberColumns.Count; c++)
            await group.WriteAsync(fields[TextColumns.Count + c],
                new ReadOnlyMemory<double>(Numbers.Select(row => row[c]).ToArray()));
    }
}
