using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl data inspect`: what a data set holds, as tables.</summary>
public static class DataInspector
{
    public static void Print(DatasetLoader.Result loaded, DataConfig c)
    {
        var d = loaded.Data;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{d.Kind} at {d.Root}: {d.Basins.Count} basins with data, {d.BasinsWithoutData.Count} listed without; loaded in {loaded.Elapsed.TotalSeconds:F2} s ({(loaded.FromCache ? "from cache" : "parsed text")}{(loaded.CachePath is null ? "" : ", cache " + loaded.CachePath)})"));
        foreach (var note in d.Notes) Console.Out.WriteLine("note: " + note);

        var products = new Table().Title("Products and periods").AddColumns("product", "basins", "first day", "last day", "days (min..max)", "missing response");
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
                for (int t = 0; t < b.Days; t++) { double v = b.Drivers[t * d.DriverCount + k]; sum += v; n++; min = Math.Min(min, v); max = Math.Max(max, v); }
            drivers.AddRow(Markup.Escape(d.DriverNames[k]), (sum / Math.Max(n, 1)).ToString("F2", CultureInfo.InvariantCulture), min.ToString("F2", CultureInfo.InvariantCulture), max.ToString("F2", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(drivers);

        var chars = new Table().Title("Characteristic coverage").AddColumns("characteristic", "basins with a value", "mean", "min", "max");
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
}
