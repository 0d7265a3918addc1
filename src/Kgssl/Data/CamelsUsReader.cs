using System.Globalization;

namespace Kgssl.Data;

/// <summary>
/// Reads the original CAMELS-US release layout (Newman et al. 2015; Addor et al. 2017):
/// <c>basin_mean_forcing/&lt;product&gt;/&lt;HUC&gt;/&lt;id&gt;_lump_&lt;suffix&gt;_forcing_leap.txt</c> (3 header
/// lines: latitude, elevation, area in m^2; a column-header line; daily rows),
/// <c>usgs_streamflow/&lt;HUC&gt;/&lt;id&gt;_streamflow_qc.txt</c> in cfs converted to mm/day with the forcing-header
/// area, and <c>camels_attributes_v2.0/camels_*.txt</c>.
/// </summary>
public static class CamelsUsReader
{
    public static readonly string[] KnownProducts = ["daymet", "nldas", "maurer", "daymet_extended", "nldas_extended",
        "maurer_extended"];

    /// <summary>1 ft^3/s over 1 day in m^3 per ... : q[mm/d] = q[cfs] * 0.028316846592 * 86400 * 1000 /
    /// area[m^2].</summary>
    public const double CubicMetresPerCubicFoot = 0.028316846592;

    public sealed record Options(
        string Root,
        IReadOnlyList<string> Products,
        IReadOnlyList<string> Drivers,
        IReadOnlyList<string> Characteristics,
        IReadOnlyList<string>? Basins,
        bool DropFeb29);

    public static double CfsToMmPerDay(double cfs, double areaSquareMetres) =>
        cfs * CubicMetresPerCubicFoot * 86400.0 * 1000.0 / areaSquareMetres;

    /// <summary>Forcing files per basin id for one product folder (searched once: any HUC subfolder).</summary>
    public static Dictionary<string, string> IndexForcing(string root, string product)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        string dir = Path.Combine(root, "basin_mean_forcing", product);
        if (!Directory.Exists(dir)) return index;
        foreach (var file in Directory.EnumerateFiles(dir, "*_forcing_leap.txt", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            int cut = name.IndexOf("_lump_", StringComparison.Ordinal);
            if (cut > 0) index[name[..cut]] = file;
        }
        return index;
    }

    public static Dictionary<string, string> IndexStreamflow(string root)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        string dir = Path.Combine(root, "usgs_streamflow");
        if (!Directory.Exists(dir)) return index;
        foreach (var file in Directory.EnumerateFiles(dir, "*_streamflow_qc.txt", SearchOption.AllDirectories))
            index[Path.GetFileName(file)[..^"_streamflow_qc.txt".Length]] = file;
        return index;
    }

    public static IReadOnlyList<string> SourceFiles(Options o)
    {
        var files = new List<string>();
        foreach (var p in o.Products) files.AddRange(IndexForcing(o.Root, p).Values);
        files.AddRange(IndexStreamflow(o.Root).Values);
        string attr = Path.Combine(o.Root, "camels_attributes_v2.0");
        if (Directory.Exists(attr)) files.AddRange(Directory.GetFiles(attr, "camels_*.txt"));
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public static HydroDataset Read(Options o, IProgress<double>? progress = null)
    {
        foreach (var p in o.Products)
            if (!KnownProducts.Contains(p))
                throw new DataFormatException(o.Root, 0,
                    $"unknown forcing product '{p}': expected one of {string.Join(", ", KnownProducts)}");
        var attributes = AttributeTable.Read(Path.Combine(o.Root, "camels_attributes_v2.0"), "camels_*.txt", ';');
        var characteristics = o.Characteristics.Count > 0 ? o.Characteristics : Data.Characteristics.Camels27;
        foreach (var c in characteristics)
            if (!attributes.HasCharacteristic(c))
                throw new DataFormatException(Path.Combine(o.Root, "camels_attributes_v2.0"), 0,
                    $"no camels_*.txt file has the column '{AttributeTable.ParseCharacteristic(c).Column}' " +
                    $"(characteristic '{c}')");

        var forcing = o.Products.Select(p => (Product: p, Files: IndexForcing(o.Root, p))).ToList();
        var flows = IndexStreamflow(o.Root);
        var ids = o.Basins is { Count: > 0 }
            ? o.Basins.ToList()
            : forcing.SelectMany(f => f.Files.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
            if (!attributes.Rows.ContainsKey(id) && !forcing.Any(f => f.Files.ContainsKey(id)))
                throw new DataFormatException(o.Root, 0,
                    $"unknown basin id '{id}': not in camels_attributes_v2.0 and no forcing file");

        var usable = new List<(string Id, string Product, string ForcingFile, string? FlowFile)>();
        var noForcing = new List<string>();
        var noFlow = new List<string>();
        foreach (var id in ids)
        {
            var hit = forcing.FirstOrDefault(f => f.Files.ContainsKey(id));
            if (hit.Files is null) { noForcing.Add(id); continue; }
            flows.TryGetValue(id, out var flow);
            if (flow is null) noFlow.Add(id);
            usable.Add((id, hit.Product, hit.Files[id], flow));
        }

        var basins = new BasinData[usable.Count];
        int done = 0;
        Parallelism.For(usable.Count, i =>
        {
            var (id, product, forcingFile, flowFile) = usable[i];
            var f = ReadForcing(forcingFile, o.Drivers, o.DropFeb29);
            var response = new float[f.Dates.Length];
            Array.Fill(response, float.NaN);
            if (flowFile is not null) ReadStreamflowInto(flowFile, id, f.AreaSquareMetres, f.Dates, response);
            var values = characteristics.Select(c => attributes.Characteristic(id, c)).ToArray();
            basins[i] = new BasinData(id, f.Dates, f.Drivers, response, values,
                attributes.Coordinate(id, "gauge_lat"), attributes.Coordinate(id, "gauge_lon"), product);
            progress?.Report(Interlocked.Increment(ref done) / (double)usable.Count);
        });

        var notes = Notes(o, forcing, flows.Count, basins, noForcing, noFlow);
        return new HydroDataset("camels-us", o.Root, o.Drivers.ToArray(), "streamflow_mm_per_day",
            characteristics.ToArray(), basins, noForcing, notes);
    }

    /// <summary>Which files were found and used, and what was left out: nothing is dropped silently.</summary>
    static List<string> Notes(Options o, List<(string Product, Dictionary<string, string> Files)> forcing,
        int flowFiles, BasinData[] basins, List<string> noForcing, List<string> noFlow)
    {
        var notes = new List<string>();
        notes.Add("forcing files found: " +
            string.Join(", ", forcing.Select(f => $"{f.Product} {f.Files.Count} basins")) +
            $"; streamflow files: {flowFiles} basins");
        foreach (var group in basins.GroupBy(b => b.Product))
            notes.Add($"product used (first of [{string.Join(", ", o.Products)}] present): {group.Key} for " +
                $"{group.Count()} basins");
        if (noForcing.Count > 0) notes.Add(
            $"{noForcing.Count} listed basins have no forcing in [{string.Join(", ", o.Products)}] and are left " +
            $"out: {string.Join(' ', noForcing)}");
        if (noFlow.Count > 0) notes.Add(
            $"{noFlow.Count} basins have forcing but no streamflow (usable for inference only): " +
            $"{string.Join(' ', noFlow)}");
        if (basins.Any(b => b.Product.StartsWith("nldas", StringComparison.Ordinal))
            && o.Drivers.Any(d => d.StartsWith("tm", StringComparison.OrdinalIgnoreCase)))
            notes.Add(
                "CAMELS v1.2 NLDAS files hold the daily mean temperature in both Tmax(C) and Tmin(C) (Tmax == Tmin)");
        return notes;
    }

    public sealed record Forcing(double Latitude, double Elevation, double AreaSquareMetres, DateOnly[] Dates,
        float[] Drivers);

    /// <summary>Reads one forcing file; driver columns are found by header name, case-insensitively.</summary>
    public static Forcing ReadForcing(string file, IReadOnlyList<string> driverNames, bool dropFeb29)
    {
        var lines = File.ReadAllLines(file);
        if (lines.Length == 0) throw new DataFormatException(file, 1,
            "empty file: expected 3 header lines (latitude, elevation, area in m^2) and a column header");
        if (lines.Length < 5) throw new DataFormatException(file, lines.Length,
            "truncated file: expected 3 header lines, a column header and daily rows");
        double lat = HeaderNumber(lines[0], file, 1, "gauge latitude");
        if (GaugeCoordinates.Problem(true, lat) is { } problem) throw new DataFormatException(file, 1, problem);
        double elev = HeaderNumber(lines[1], file, 2, "gauge elevation");
        double area = HeaderNumber(lines[2], file, 3, "basin area in m^2");
        if (!(area > 0)) throw new DataFormatException(file, 3, $"basin area must be positive, got {area}");
        var header = lines[3].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (header.Length < 4 || !header[0].Equals("Year", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(file, 4, "expected the column header 'Year Mnth Day Hr ...'");
        var cols = new int[driverNames.Count];
        for (int k = 0; k < cols.Length; k++)
        {
            cols[k] = Array.FindIndex(header, h => h.Equals(driverNames[k], StringComparison.OrdinalIgnoreCase));
            if (cols[k] < 0) throw new DataFormatException(file, 4,
                $"missing column '{driverNames[k]}' (header: {string.Join(' ', header)})");
        }
        var dates = new List<DateOnly>(lines.Length);
        var drivers = new List<float>(lines.Length * cols.Length);
        DateOnly previous = default;
        for (int i = 4; i < lines.Length; i++)
        {
            int number = i + 1;
            if (lines[i].Length == 0)
            {
                if (i == lines.Length - 1) break;
                throw new DataFormatException(file, number, "blank line inside the data");
            }
            var fields = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != header.Length)
                throw new DataFormatException(file, number,
                    $"expected {header.Length} fields as in the column header, got {fields.Length}");
            var date = ParseYmd(fields[0], fields[1], fields[2], file, number);
            if (dates.Count > 0) TextParsing.RequireDailySequence(previous, date, file, number);
            previous = date;
            if (dropFeb29 && date.Month == 2 && date.Day == 29) continue;
            dates.Add(date);
            for (int k = 0; k < cols.Length; k++)
            {
                double v = TextParsing.ParseDouble(fields[cols[k]], file, number, header[cols[k]]);
                ValuePolicy.Driver(v, file, number, header[cols[k]]);
                drivers.Add((float)v);
            }
        }
        if (dates.Count == 0) throw new DataFormatException(file, 5, "no daily rows after the column header");
        return new Forcing(lat, elev, area, dates.ToArray(), drivers.ToArray());
    }

    /// <summary>
    /// Reads <c>gauge_id YYYY MM DD Q flag</c> rows (Q in cfs) onto the forcing dates, in mm/day.
    /// -999 or flag M is missing (NaN); rows outside the forcing period are ignored.
    /// </summary>
    public static void ReadStreamflowInto(string file, string id, double areaSquareMetres, DateOnly[] dates,
        float[] target)
    {
        var lines = File.ReadAllLines(file);
        if (lines.Length == 0 || (lines.Length == 1 && lines[0].Length == 0))
            throw new DataFormatException(file, 1, "empty file: expected rows 'gauge_id YYYY MM DD Q flag'");
        DateOnly previous = default;
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            if (lines[i].Length == 0)
            {
                if (i == lines.Length - 1) break;
                throw new DataFormatException(file, number, "blank line inside the data");
            }
            var f = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5 || f.Length > 6)
                throw new DataFormatException(file, number,
                    $"expected 'gauge_id YYYY MM DD Q flag' (5 or 6 fields), got {f.Length}");
            if (f[0] != id) throw new DataFormatException(file, number,
                $"gauge id '{f[0]}' does not match the file's basin '{id}'");
            var date = ParseYmd(f[1], f[2], f[3], file, number);
            if (i > 0 && date <= previous)
                throw new DataFormatException(file, number,
                    $"date {date:yyyy-MM-dd} is {(date == previous ? "a duplicate" : "out of order")} (previous row " +
                    $"{previous:yyyy-MM-dd})");
            previous = date;
            double q = TextParsing.ParseDouble(f[4], file, number, "Q (cfs)");
            string flag = f.Length == 6 ? f[5] : "";
            bool missing = double.IsNaN(q) || ValuePolicy.IsMissingCode(q) || flag.StartsWith('M');
            if (!missing && q < 0) throw new DataFormatException(file, number,
                $"negative streamflow {q} cfs without the missing flag M, -999 or -9999");
            int k = Array.BinarySearch(dates, date);
            if (k < 0) continue;
            target[k] = missing ? float.NaN : (float)CfsToMmPerDay(q, areaSquareMetres);
        }
    }

    static DateOnly ParseYmd(string y, string m, string d, string file, int line)
    {
        if (int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out int yy)
            && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out int mm)
            && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int dd)
            && yy is >= 1 and <= 9999 && mm is >= 1 and <= 12 && dd >= 1 && dd <= DateTime.DaysInMonth(yy, mm))
            return new DateOnly(yy, mm, dd);
        throw new DataFormatException(file, line, $"expected a date 'YYYY MM DD', got '{y} {m} {d}'");
    }

    static double HeaderNumber(string text, string file, int line, string what) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new DataFormatException(file, line, $"expected the {what} as a number, got '{text.Trim()}'");

    /// <summary>Reads a basin list: one id per line; blank lines and # comments ignored.</summary>
    public static IReadOnlyList<string> ReadBasinList(string file)
    {
        if (!File.Exists(file)) throw new DataFormatException(file, 0, "basin list file not found");
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            string id = lines[i].Split('#')[0].Trim();
            if (id.Length == 0) continue;
            if (id.Any(char.IsWhiteSpace)) throw new DataFormatException(file, i + 1,
                $"expected one basin id per line, got '{id}'");
            if (!seen.Add(id)) throw new DataFormatException(file, i + 1, $"duplicate basin id '{id}'");
            ids.Add(id);
        }
        if (ids.Count == 0) throw new DataFormatException(file, 1, "empty basin list");
        return ids;
    }
}
