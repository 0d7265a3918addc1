namespace Kgssl.Data;

/// <summary>
/// Static attributes joined on <c>gauge_id</c> over several delimited files (CAMELS camels_*.txt with ';',
/// Caravan attributes_*.csv with ','). Values stay text until asked for, so categorical columns are kept;
/// a number is parsed on request, naming its file and line when it is not one.
/// </summary>
public sealed class AttributeTable
{
    public HashSet<string> Columns { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, (string Value, string File, int Line)>> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>The value as a number; NaN when the basin or the column is absent or the field empty.</summary>
    public double Number(string id, string column) =>
        Rows.TryGetValue(id, out var row) && row.TryGetValue(column, out var cell)
            ? TextParsing.ParseDouble(cell.Value, cell.File, cell.Line, column)
            : double.NaN;

    public static AttributeTable Read(string dir, string pattern, char delimiter)
    {
        if (!Directory.Exists(dir)) throw new DataFormatException(dir, 0, "attributes folder not found");
        var files = Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new DataFormatException(dir, 0, $"no {pattern} attribute file");
        var table = new AttributeTable();
        foreach (var file in files)
        {
            var (header, rows) = TextParsing.ReadTable(file, delimiter);
            int idCol = Array.IndexOf(header, "gauge_id");
            if (idCol < 0) throw new DataFormatException(file, 1, "missing column 'gauge_id'");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (fields, line) in rows)
            {
                string id = fields[idCol].Trim();
                if (!seen.Add(id)) throw new DataFormatException(file, line, $"duplicate gauge_id '{id}'");
                if (!table.Rows.TryGetValue(id, out var row)) table.Rows[id] = row = new(StringComparer.Ordinal);
                for (int c = 0; c < header.Length; c++)
                    if (c != idCol) row[header[c]] = (fields[c].Trim(), file, line);
            }
            foreach (var h in header) table.Columns.Add(h);
        }
        return table;
    }
}
