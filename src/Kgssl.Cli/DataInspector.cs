using System.Globalization;
using Kgssl.Data;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl data inspect`: what a data set holds, as tables.</summary>
public static class DataInspector
{
    public static void Print(DatasetLoader.Result loaded)
    {
        var d = loaded.Data;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{d.Kind} at {d.Root}: {d.Basins.Count} basins with data, {d.BasinsWithoutData.Count} listed without; " +
                $"loaded in {loaded.Elapsed.TotalSeconds:F2} s " +
                $"({(loaded.FromCache ? "from cache" : "parsed text")}" +
                $"{(loaded.CachePath is null ? "" : ", cache " + loaded.CachePath)})"));
        foreach (var note in d.Notes) Console.Out.WriteLine("note: " + note);

        var products = new Table().Title("Products and periods")
            .AddColumns("product", "basins", "first day", "last day", "days (min..max)", "missing response");
        foreach (var g in d.Basins.GroupBy(b => b.Product).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            long days = g.Sum(b => (long)b.Days), missing = g.Sum(b => (long)b.Response.Count(float.IsNaN));
            products.AddRow(g.Key, g.Count().ToString(CultureInfo.InvariantCulture),
                g.Min(b => b.Dates[0]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                g.Max(b => b.Dates[^1]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                $"{g.Min(b => b.Days)}..{g.Max(b => b.Days)}",
                (missing / (double)Math.Max(days, 1)).ToString("P2", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(products);

        var drivers = new Table().Title("Drivers (all basins, all days)").AddColumns("driver", "mean", "min", "max");
        for (int k = 0; k < d.DriverCount; k++)
        {
            double sum = 0, min = double.MaxValue, max = double.MinValue; long n = 0;
            foreach (var b in d.Basins)
                for (int t = 0; t < b.Days; t++) { double v = b.Drivers[t * d.DriverCount + k]; sum += v; n++;
                    min = Math.Min(min, v); max = Math.Max(max, v); }
            drivers.AddRow(Markup.Escape(d.DriverNames[k]), (sum / Math.Max(n, 1))
                .ToString("F2", CultureInfo.InvariantCulture), min.ToString("F2", CultureInfo.InvariantCulture),
                max.ToString("F2", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(drivers);

        AnsiConsole.Write(StreamflowTable(d));

        var chars = new Table().Title("Characteristic coverage")
            .AddColumns("characteristic", "basins with a value", "mean", "min", "max");
        for (int k = 0; k < d.CharacteristicCount; k++)
        {
            var v = d.Basins.Select(b => b.Characteristics[k]).Where(double.IsFinite).ToArray();
            chars.AddRow(Markup.Escape(d.CharacteristicNames[k]), $"{v.Length}/{d.Basins.Count}",
                v.Length > 0 ? v.Average().ToString("G4", CultureInfo.InvariantCulture) : "-",
                v.Length > 0 ? v.Min().ToString("G4", CultureInfo.InvariantCulture) : "-",
                v.Length > 0 ? v.Max().ToString("G4", CultureInfo.InvariantCulture) : "-");
        }
        AnsiConsole.Write(chars);
        int withCoords = d.Basins.Count(b => double.IsFinite(b.Latitude) && double.IsFinite(b.Longitude));
        Console.Out.WriteLine($"gauge coordinates: {withCoords}/{d.Basins.Count} basins");
    }

    /// <summary>The response over every observed day: what a wrong unit or a missing-value code would show at
    /// once.</summary>
    static Table StreamflowTable(HydroDataset d)
    {
        var observed = d.Basins.SelectMany(b => b.Response).Where(q => !float.IsNaN(q)).Select(q => (double)q)
            .ToArray();
        Array.Sort(observed);
        long days = d.Basins.Sum(b => (long)b.Days);
        int none = d.Basins.Count(b => b.Response.All(float.IsNaN));
        double Q(double p) => observed.Length == 0 ? double.NaN
            : observed[(int)Math.Min(observed.Length - 1, Math.Floor(p * observed.Length))];
        string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        var table = new Table().Title($"Response '{Markup.Escape(d.ResponseName)}' (all basins, observed days)")
            .AddColumns("mean", "min", "5 %", "median", "95 %", "max", "missing days", "basins without any");
        table.AddRow(observed.Length == 0 ? "-" : F(observed.Average()), F(Q(0)), F(Q(0.05)), F(Q(0.5)), F(Q(0.95)),
            F(Q(1)),
            ((days - observed.Length) / (double)Math.Max(days, 1)).ToString("P2", CultureInfo.InvariantCulture),
                $"{none}/{d.Basins.Count}");
        return table;
    }

    /// <summary>
    /// The characteristics to inspect for a Caravan source: the 27 of CAMELS when its attributes have them all, else
    /// every attribute column whose values are all numbers (none: an empty list), so that any source can be inspected.
    /// </summary>
    public static List<string> CaravanCharacteristics(string root, string source)
    {
        var table = AttributeTable.Read(CaravanReader.AttributesFolder(root, source), "attributes_*.csv", ',');
        if (Characteristics.Camels27.All(table.HasCharacteristic)) return [.. Characteristics.Camels27];
        string[] identity = ["gauge_id", "gauge_name", "gauge_lat", "gauge_lon"];
        return table.Columns.Where(c => !identity.Contains(c)).Where(c => table.Rows.Values.All(row =>
            !row.TryGetValue(c, out var cell) || cell.Value.Length == 0
            || double.TryParse(cell.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                .Order(StringComparer.Ordinal).ToList();
    }
}
