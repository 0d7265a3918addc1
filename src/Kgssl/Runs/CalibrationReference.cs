using System.Globalization;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Synthetic;

namespace Kgssl.Runs;

/// <summary>
/// The identifiability reference for a synthetic run: each held-out basin's HBV parameters calibrated on the
/// evaluation period (the series the learned inverse sees) with the exact model structure (<see cref="HbvCalibration"/>), scored against the truth like the
/// learned inverse (characteristics_calibration.csv), and the calibrated model's NSE on the other period
/// (calibration.csv). A parameter that calibration with the true F cannot pin down is not identifiable from these
/// series; the learned inverse is judged on the ones it can.
/// </summary>
public static class CalibrationReference
{
    public static readonly string[] Drivers = ["total_precipitation_sum", "temperature_2m_mean", "potential_evaporation_sum"];

    public sealed record BasinResult(string Id, HbvParameters Calibrated, double[] Truth, double Objective, double ValidationNse, double ValidationNseLog);

    public sealed record Outcome(List<RecoveryRow> Rows, List<BasinResult> Basins, double MedianValidationNse);

    public static Outcome Run(RunDirectory run, Workflow.Prepared p, string basinSet, HbvCalibration.Options options, IRunReporter reporter)
    {
        var data = p.Data;
        int[] driver = Drivers.Select(n => IndexOf(data.DriverNames, n, "driver")).ToArray();
        // each parameter as the run names it: K2 or log10(K2), so that both inverses are scored on the same scale
        var parameters = HbvParameters.Ranges.Select(r => r.Name).ToArray();
        int[] column = parameters.Select(n => IndexOf(data.CharacteristicNames, n, "characteristic", $"log10({n})")).ToArray();
        var names = column.Select(c => data.CharacteristicNames[c]).ToArray();
        bool[] log = names.Select(n => AttributeTable.ParseCharacteristic(n).Log10).ToArray();
        var ids = basinSet switch
        {
            "heldout" => p.Split.Heldout,
            "train" => p.Split.Train,
            _ => throw new ArgumentException($"--basin-set: expected heldout or train, got '{basinSet}'"),
        };
        if (ids.Count < 2) throw new InvalidOperationException($"{run.Path}: the run has {ids.Count} {basinSet} basins; calibration needs at least 2");
        // calibrated on the period the learned inverse is evaluated on (the same series), validated on the other
        string period = p.Config.Evaluation.Period, other = period == "train" ? "test" : "train";
        var (trStart, trEnd) = Workflow.Period(p.Config, period);
        var (teStart, teEnd) = Workflow.Period(p.Config, other);
        var results = new BasinResult?[ids.Count];
        int done = 0;
        Parallelism.For(ids.Count, i =>
        {
            var basin = data.Basin(ids[i]);
            int n = basin.Days, d = data.DriverCount;
            // spin-up as the generator does: the model runs the record's first year once from default storages
            // (not scored), then the whole record; day t of the record is day spin + t of the series
            int spin = Math.Min(365, n);
            double[] Column(int k)
            {
                var a = new double[spin + n];
                for (int t = 0; t < spin + n; t++) a[t] = basin.Drivers[(t < spin ? t : t - spin) * d + k];
                return a;
            }
            var flow = new double[spin + n];
            for (int t = 0; t < spin + n; t++) flow[t] = t < spin ? double.NaN : basin.Response[t - spin];
            var series = new HbvCalibration.Series(Column(driver[0]), Column(driver[1]), Column(driver[2]), flow);
            var (tf, tt) = basin.PeriodRange(trStart, trEnd);
            var (ef, et) = basin.PeriodRange(teStart, teEnd);
            var fit = HbvCalibration.Calibrate(series, spin + tf, spin + tt, options with { Seed = options.Seed + i });
            var q = HbvModel.Run(fit.Parameters, series.Precipitation, series.Temperature, series.Pet).Runoff;
            bool validate = et - ef >= 30;
            results[i] = new BasinResult(ids[i], fit.Parameters, column.Select(c => basin.Characteristics[c]).ToArray(), fit.Objective,
                validate ? HbvCalibration.Nse(q, series.Streamflow, spin + ef, spin + et, false) : double.NaN,
                validate ? HbvCalibration.Nse(q, series.Streamflow, spin + ef, spin + et, true) : double.NaN);
            reporter.Progress("calibrate", Interlocked.Increment(ref done) / (double)ids.Count, ids[i]);
        });
        var list = results.Select(r => r!).ToList();
        var std = column.Select(c => p.Normalizer.CharacteristicStd[c]).ToArray();
        var calibrated = list.Select(r => r.Calibrated.ToArray().Select((v, k) => log[k] ? Math.Log10(v) : v).ToArray()).ToList();
        var rows = CharacteristicRecovery.Score(names, basinSet, period, calibrated, list.Select(r => r.Truth).ToList(), std);
        File.WriteAllText(run.File("characteristics_calibration.csv"), CharacteristicRecovery.ToCsv(rows));
        using (var w = new StreamWriter(run.File("calibration.csv")))
        {
            w.WriteLine($"basin,basin_set,objective_{period},nse_{other},nse_log_{other}," + string.Join(',', names.Select(n => "cal_" + n)) + "," + string.Join(',', names.Select(n => "true_" + n)));
            for (int i = 0; i < list.Count; i++)
            {
                var r = list[i];
                w.WriteLine(string.Join(',', [r.Id, basinSet, F(r.Objective), F(r.ValidationNse), F(r.ValidationNseLog), .. calibrated[i].Select(F), .. r.Truth.Select(F)]));
            }
        }
        double median = Metrics.Median(list.Select(r => r.ValidationNse).ToList());
        run.Log($"calibration reference: {list.Count} {basinSet} basins calibrated on the {period} period, median NSE on the {other} period {median:F3}");
        return new Outcome(rows, list, median);
    }

    static int IndexOf(IReadOnlyList<string> names, string name, string what, string? alternative = null)
    {
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase) || string.Equals(names[i], alternative, StringComparison.OrdinalIgnoreCase)) return i;
        throw new InvalidOperationException($"the run's data has no {what} '{name}' (has: {string.Join(", ", names)}); calibration needs a synthetic HBV ensemble");
    }

    static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
