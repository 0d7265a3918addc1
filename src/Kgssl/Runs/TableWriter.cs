using System.Globalization;
using System.Text;

namespace Kgssl.Runs;

/// <summary>A table of one string key column and numeric columns, written as CSV (the CLI gives every CSV of a run
/// folder its Parquet twin).</summary>
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
}
