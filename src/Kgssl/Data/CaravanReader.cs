namespace Kgssl.Data;

/// <summary>
/// Reads the Caravan layout (Kratzert et al. 2023): <c>timeseries/csv/&lt;source&gt;/&lt;gauge_id&gt;.csv</c> with a
/// <c>date</c> column plus variables (NaN or empty = missing), and every
/// <c>attributes/&lt;source&gt;/attributes_*.csv</c> joined on <c>gauge_id</c>. Our synthetic generator writes the same
/// layout.
/// </summary>
public static class CaravanReader
{
    public sealed record Options(
        string Root,
        string Source,
        IReadOnlyList<string> Drivers,
        string Response,
        IReadOnlyList<string> Characteristics,
        IReadOnlyList<string>? Basins,
        bool DropFeb29,
        bool CharacteristicsOptional = false);

    public static string TimeseriesFolder(string root, string source)
        => Path.Combine(root, "timeseries", "csv", source);

    public static string AttributesFolder(string root, string source) => Path.Combine(root, "attributes", source);

    /// <summary>Every file the reader would read, for the cache key.</summary>
    public static IReadOnlyList<string> SourceFiles(Options o)
    {
        RequireFolders(o);
        var files = Directory.GetFiles(AttributesFolder(o.Root, o.Source), "attributes_*.csv")
            .Order(StringComparer.Ordinal).ToList();
        files.AddRange(Directory.GetFiles(TimeseriesFolder(o.Root, o.Source), "*.csv").Order(StringComparer.Ordinal));
        return files;
    }

    /// <summary>The source's two folders exist; else an error naming the missing one and the sources the root
    /// has.</summary>
    static void RequireFolders(Options o)
    {
        foreach (var (dir, layout) in new[] { (TimeseriesFolder(o.Root, o.Source), "timeseries/csv/<source>/"),
                     (AttributesFolder(o.Root, o.Source), "attributes/<source>/") })
        {
            if (Directory.Exists(dir)) continue;
            string parent = Path.GetDirectoryName(dir)!;
            var sources = Directory.Exists(parent)
                ? Directory.GetDirectories(parent).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
                : [];
            throw new DataFormatException(dir, 0, $"Caravan folder of source '{o.Source}' not found (expected " +
                $"{layout}); " + (sources.Count > 0 ? $"this root has the sources {string.Join(", ", sources)}"
                    : "the root has no such folder at all"));
        }
    }

    public static HydroDataset Read(Options o, IProgress<double>? progress = null)
    {
        RequireFolders(o);
        string tsDir = TimeseriesFolder(o.Root, o.Source), attrDir = AttributesFolder(o.Root, o.Source);

        var attributes = AttributeTable.Read(attrDir, "attributes_*.csv", ',');
        var characteristics = o.Characteristics.Count > 0 ? o.Characteristics : Data.Characteristics.Camels27;
        var absent = characteristics.Where(name => !attributes.HasCharacteristic(name)).ToList();
        if (absent.Count > 0 && !o.CharacteristicsOptional)
            throw new DataFormatException(attrDir, 0,
                $"no attributes_*.csv file has the column '{AttributeTable.ParseCharacteristic(absent[0]).Column}' " +
                $"(characteristic '{absent[0]}' named in the config)");

        var available = Directory.GetFiles(tsDir, "*.csv").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var (ids, withoutData) = BasinIds(o, tsDir, available, attributes);
        var basins = new BasinData[ids.Count];
        int done = 0;
        Parallelism.For(ids.Count, i =>
        {
            string id = ids[i];
            string file = Path.Combine(tsDir, id + ".csv");
            var (dates, drivers, response) = ReadTimeseries(file, o.Drivers, o.Response, o.DropFeb29);
            if (!attributes.Rows.ContainsKey(id) && !o.CharacteristicsOptional)
                throw new DataFormatException(attrDir, 0,
                    $"basin '{id}' has a time-series file but no row in any attributes_*.csv");
            var values = new double[characteristics.Count];
            for (int k = 0; k < values.Length; k++)
                values[k] = attributes.Characteristic(id, characteristics[k]);
            double lat = attributes.Columns.Contains("gauge_lat") ? attributes.Coordinate(id, "gauge_lat") : double.NaN;
            double lon = attributes.Columns.Contains("gauge_lon") ? attributes.Coordinate(id, "gauge_lon") : double.NaN;
            basins[i] = new BasinData(id, dates, drivers, response, values, lat, lon, o.Source);
            progress?.Report(Interlocked.Increment(ref done) / (double)ids.Count);
        });
        var notes = Notes(o, tsDir, absent, ids, withoutData, available, attributes);
        return new HydroDataset("caravan", o.Root, o.Drivers.ToArray(), o.Response, characteristics.ToArray(), basins,
            withoutData, notes);
    }

    /// <summary>The basins to read (the listed ones, else every time-series file) and the listed basins that have
    /// attributes but no time series.</summary>
    static (List<string> Ids, List<string> WithoutData) BasinIds(Options o, string tsDir, HashSet<string> available,
        AttributeTable attributes)
    {
        var withoutData = new List<string>();
        if (o.Basins is not { Count: > 0 }) return (available.Order(StringComparer.Ordinal).ToList(), withoutData);
        var ids = new List<string>();
        foreach (var requested in o.Basins)
        {
            string? id = Resolve(requested, o.Source, available);
            string? attrId = Resolve(requested, o.Source, attributes.Rows.Keys);
            if (id is null && attrId is null)
                throw new DataFormatException(tsDir, 0,
                    $"unknown basin id '{requested}': neither a time-series file nor an attributes row");
            if (id is null) withoutData.Add(attrId!);
            else ids.Add(id);
        }
        return (ids, withoutData);
    }

    /// <summary>What the reader left out or could not fill, one note each: nothing is dropped silently.</summary>
    static List<string> Notes(Options o, string tsDir, List<string> absent, List<string> ids, List<string> withoutData,
        HashSet<string> available, AttributeTable attributes)
    {
        var notes = new List<string>();
        if (absent.Count > 0)
            notes.Add(
                $"{absent.Count} characteristics are in no attributes file and are unknown (NaN) for every basin: " +
                $"{string.Join(' ', absent)}");
        var withoutRow = ids.Where(id => !attributes.Rows.ContainsKey(id)).ToList();
        if (withoutRow.Count > 0)
            notes.Add(
                $"{withoutRow.Count} basins have no attributes row: characteristics and coordinates unknown (NaN): " +
                $"{string.Join(' ', withoutRow.Take(20))}{(withoutRow.Count > 20 ? " ..." : "")}");
        if (withoutData.Count > 0)
            notes.Add(
                $"{withoutData.Count} listed basins have attributes but no time series: " +
                $"{string.Join(' ', withoutData)}");
        if (o.Basins is not { Count: > 0 })
        {
            var unmatched = attributes.Rows.Keys.Where(id => !available.Contains(id)).Order(StringComparer.Ordinal)
                .ToList();
            if (unmatched.Count > 0)
                notes.Add(
                    $"{unmatched.Count} attribute rows have no time series and are left out: " +
                    $"{string.Join(' ', unmatched.Take(20))}{(unmatched.Count > 20 ? " ..." : "")}");
        }
        var ignored = Directory.GetFiles(tsDir).Select(Path.GetFileName).OfType<string>()
            .Where(f => !f.EndsWith(".csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (ignored.Count > 0)
            notes.Add(
                $"{ignored.Count} files in {tsDir} are not *.csv and are not read: " +
                $"{string.Join(' ', ignored.Take(20))}{(ignored.Count > 20 ? " ..." : "")}");
        return notes;
    }

    static string? Resolve(string requested, string source, IEnumerable<string> known)
    {
        var set = known as ISet<string> ?? known.ToHashSet(StringComparer.Ordinal);
        if (set.Contains(requested)) return requested;
        string prefixed = $"{source}_{requested}";
        return set.Contains(prefixed) ? prefixed : null;
    }

    /// <summary>Reads one time-series CSV: the date column, the named drivers and the response, by header
    /// name.</summary>
    public static (DateOnly[] Dates, float[] Drivers, float[] Response) ReadTimeseries(
        string file, IReadOnlyList<string> driverNames, string responseName, bool dropFeb29)
    {
        byte[] bytes = File.ReadAllBytes(file);
        if (bytes.Length == 0) throw new DataFormatException(file, 1,
            "empty file: expected a header line starting with 'date'");
        var lines = TextParsing.Lines(bytes).GetEnumerator();
        lines.MoveNext();
        var (header, dateCol, cols) = Header(bytes, lines.Current, file, driverNames, responseName);
        int nd = driverNames.Count;
        int width = header.Length;
        var dates = new List<DateOnly>(8192);
        var drivers = new List<float>(8192 * nd);
        var response = new List<float>(8192);
        var fieldStarts = new int[width + 1];
        var values = new float[nd + 1];
        DateOnly previous = DateOnly.MinValue;
        bool any = false;
        while (lines.MoveNext())
        {
            var (start, length, number) = lines.Current;
            if (length == 0)
            {
                // a blank line is only allowed as the very end of the file
                if (start + 1 >= bytes.Length) break;
                throw new DataFormatException(file, number, "blank line inside the data");
            }
            var line = bytes.AsSpan(start, length);
            SplitFields(line, fieldStarts, width, file, number);
            var date = TextParsing.ParseIsoDate(Field(line, fieldStarts, dateCol), file, number);
            if (any) TextParsing.RequireDailySequence(previous, date, file, number);
            previous = date;
            any = true;
            for (int k = 0; k <= nd; k++)
                values[k] = TextParsing.ParseFloat(Field(line, fieldStarts, cols[k]), file, number, header[cols[k]],
                    emptyIsNaN: true);
            if (dropFeb29 && date.Month == 2 && date.Day == 29) continue;
            for (int k = 0; k < nd; k++)
            {
                ValuePolicy.Driver(values[k], file, number, driverNames[k]);
                drivers.Add(values[k]);
            }
            response.Add(ValuePolicy.Response(values[nd], file, number, responseName));
            dates.Add(date);
        }
        if (dates.Count == 0) throw new DataFormatException(file, 2, "no data rows after the header");
        return (dates.ToArray(), drivers.ToArray(), response.ToArray());
    }

    /// <summary>The header's columns (a UTF-8 byte-order mark dropped; duplicates refused) and the positions of
    /// the date, the drivers and the response.</summary>
    static (string[] Header, int DateCol, int[] Cols) Header(byte[] bytes, (int Start, int Length, int Number) first,
        string file, IReadOnlyList<string> driverNames, string responseName)
    {
        var (hs, hl, _) = first;
        // a UTF-8 byte-order mark (spreadsheet exports) is not part of the first column's name
        int bom = bytes.AsSpan(hs, hl).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var header = System.Text.Encoding.UTF8.GetString(bytes, hs + bom, hl - bom).Split(',').Select(h => h.Trim())
            .ToArray();
        foreach (var duplicate in header.GroupBy(h => h).Where(g => g.Count() > 1))
            throw new DataFormatException(file, 1,
                $"column '{duplicate.Key}' appears {duplicate.Count()} times in the header");
        int dateCol = Array.IndexOf(header, "date");
        if (dateCol < 0) throw new DataFormatException(file, 1, "missing column 'date' in the header");
        int nd = driverNames.Count;
        var cols = new int[nd + 1];
        for (int k = 0; k <= nd; k++)
        {
            string name = k < nd ? driverNames[k] : responseName;
            cols[k] = Array.IndexOf(header, name);
            if (cols[k] < 0) throw new DataFormatException(file, 1,
                $"missing column '{name}' (header: {string.Join(',', header)})");
        }
        return (header, dateCol, cols);
    }

    /// <summary>Field start offsets of one data line into <paramref name="fieldStarts"/> (one past the end as the
    /// last); a line without exactly the header's number of fields is an error.</summary>
    static void SplitFields(ReadOnlySpan<byte> line, int[] fieldStarts, int width, string file, int number)
    {
        int f = 0;
        fieldStarts[0] = 0;
        for (int c = 0; c < line.Length; c++)
            if (line[c] == (byte)',')
            {
                if (++f >= width) break;
                fieldStarts[f] = c + 1;
            }
        if (f != width - 1)
            throw new DataFormatException(file, number,
                $"expected {width} comma-separated fields as in the header, got " +
                $"{(f >= width ? "more" : (f + 1).ToString())}");
        fieldStarts[width] = line.Length + 1;
    }

    static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int[] starts, int col)
        => line[starts[col]..(starts[col + 1] - 1)];
}
