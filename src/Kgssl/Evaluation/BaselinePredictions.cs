using System.Globalization;

namespace Kgssl.Evaluation;

/// <summary>baseline_predictions.csv: one row per method, protocol and basin, the fold that held the basin
/// out.</summary>
public static class BaselinePredictions
{
    public static string Describe(string method) => method switch
    {
        Baseline.Ridge => "ridge regression on signatures",
        Baseline.Fingerprint => "1-nearest-neighbour fingerprint (signatures)",
        Baseline.Neighbours => $"{Baseline.NeighbourCount} nearest gauges, inverse-distance mean",
        Baseline.Stacked => "stacked ridge: signatures + nearest-gauges estimate",
        _ => method,
    };

    public static void Write(string path, Baseline.Result result)
    {
        var names = result.Rows.Values.First().Select(x => x.Characteristic).Distinct().ToList();
        using var w = new StreamWriter(path);
        w.WriteLine("method,basin_set,basin,fold," + string.Join(',', names.Select(n => "pred_" + n)));
        foreach (var p in result.Predictions)
            w.WriteLine($"{p.Method},{p.Set},{p.Id},{p.Fold.ToString(CultureInfo.InvariantCulture)}," +
                string.Join(',', p.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
    }
}
