namespace Kgssl.Data;

/// <summary>
/// Static attributes joined on <c>gauge_id</c> over several delimited files (CAMELS camels_*.txt with ';',
/// Caravan attributes_*.csv with ','). Values stay text until asked for, so categorical columns are kept;
/// a number is parsed on request, naming its file and line when it is not one.
/// </summary>
public sealed class AttributeTable
{
    public HashSet<string> Columns { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, (string Value, string File, int Line)>> Rows { get;
        } = new(StringComparer.Ordinal);

    /// <summary>The value as a number; NaN when the basin or the column is absent or the field empty.</summary>
    public double Number(string id, string column) =>
        Rows.TryGetValue(id, out var row) && row.TryGetValue(column, out var cell)
            ? TextParsing.ParseDouble(cell.Value, cell.File, cell.Line, column)
            : double.NaN;

    /// <summary>The gauge's <c>gauge_lat</c> or <c>gauge_lon</c> in degrees (NaN when absent); a value out of range
    /// is an error naming its cell (<see cref="GaugeCoordinates"/>).</summary>
    public double Coordinate(string id, string column)
    {
        double v = Number(id, column);
        if (GaugeCoordinates.Problem(column == "gauge_lat", v) is not { } problem) return v;
        var cell = Rows[id][column];
        throw new DataFormatException(cell.File, cell.Line, $"column '{column}' of basin '{id}': {problem}");
    }

    /// <summary>
    /// A characteristic as named in a config: a column, or <c>log10(column)</c> for a quantity that spans decades
    /// (e.g. recession coefficients drawn log-uniformly), regressed and scored on that scale.
    /// </summary>
    public static (string Column, bool Log10) ParseCharacteristic(string name) =>
        name.StartsWith("log10(", StringComparison.Ordinal) && name.EndsWith(')') ? (name[6..^1], true) : (name, false);

    public bool HasCharacteristic(string name) => Columns.Contains(ParseCharacteristic(name).Column);

    /// <summary>The characteristic's value (NaN when absent); log10 of a value that is not positive is an error naming
    /// its cell.</summary>
    public double Characteristic(string id, string name)
    {
        var (column, log) = ParseCharacteristic(name);
        double v = Number(id, column);
        if (!log || double.IsNaN(v)) return v;
        if (v <= 0)
        {
            var cell = Rows[id][column];
            throw new DataFormatException(cell.File, cell.Line,
                $"column '{column}' of basin '{id}' is {cell.Value}: log10 needs a positive value (characteristic " +
                $"'{name}')");
        }
        return Math.Log10(v);
    }

    public static AttributeTable Read(string dir, string pattern, char delimiter)
    {
        if (!Directory.Exists(dir)) throw new DataFormatException(dir, 0, "attributes folder not found");
        var files = Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new DataFormatException(dir, 0, $"no {pattern} attribute file");
        var table = new AttributeTable();
        var columnFile = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var (header, rows) = TextParsing.ReadTable(file, delimiter);
            int idCol = Array.IndexOf(header, "gauge_id");
            if (idCol < 0) throw new DataFormatException(file, 1, "missing column 'gauge_id'");
            foreach (var h in header.Where(h => h != "gauge_id"))
            {
                // which file would win is not the user's choice to leave to the order of file names
                if (columnFile.TryGetValue(h, out var first))
                    throw new DataFormatException(file, 1, first == file ? $"column '{h}' appears twice in the header"
                        : $"column '{h}' is also in {Path.GetFileName(first)}: a characteristic must come from one " +
                            $"attributes file");
                columnFile[h] = file;
            }
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
