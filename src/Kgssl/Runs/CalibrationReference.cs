using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;

namespace Kgssl.Runs;

/// <summary>
/// The identifiability reference for a synthetic run: each held-out basin's HBV parameters calibrated on the
/// evaluation period (the series the learned inverse sees, and by default nothing else: <c>context</c>) with the exact
/// model structure (<see cref="HbvCalibration"/>), scored against the truth like the learned inverse
/// (characteristics_calibration.csv), and the calibrated model's NSE on the other period (calibration.csv). A parameter
/// that calibration with the true F cannot pin down is not identifiable from these series; the learned inverse is
/// judged on the ones it can.
/// </summary>
public static class CalibrationReference
{
    public sealed record BasinResult(string Id, HbvParameters Calibrated, double[] Truth, double Objective,
        double ValidationNse, double ValidationNseLog);

    /// <param name="Identifiability">Calibration vs the learned inverse (predictions.csv) on the same basins; empty
    /// without predictions.</param>
    public sealed record Outcome(List<RecoveryRow> Rows, List<BasinResult> Basins, double MedianValidationNse,
        List<IdentifiabilityRow> Identifiability);

    /// <param name="maxBasins">Calibrate only the first this many basins of the set in id order (0 = all); the split
    /// is random, so they are a random sample of it.</param>
    /// <param name="period">train | test: the series to calibrate on (default: the run's evaluation period, the one
    /// the learned inverse is scored on); the other period validates.</param>
    /// <param name="context">period: the model sees that period's days alone (its first year once as spin-up from
    /// default storages), the information the learned inverse reads; record: it runs through the whole record from its
    /// start (the record's first year as spin-up), so that the storages at the period's start and the drivers before it
    /// are known too.</param>
    public static Outcome Run(RunDirectory run, Workflow.Prepared p, string basinSet, HbvCalibration.Options options,
        IRunReporter reporter, int maxBasins = 0, string? period = null, string context = "period")
    {
        if (context is not ("period" or "record" or "states")) throw new ArgumentException(
            $"--context: expected period, states or record, got '{context}'");
        var data = p.Data;
        int[] driver = HbvColumns.DriverIndices(data.DriverNames, name => Missing(data.DriverNames, "driver", name));
        // each parameter as the run names it: K2 or log10(K2), so that both inverses are scored on the same scale
        var columns = HbvColumns.AllParameters(data.CharacteristicNames,
            name => Missing(data.CharacteristicNames, "characteristic", name));
        int[] column = columns.Select(c => c.Index).ToArray();
        var names = columns.Select(c => c.Name).ToArray();
        var ids = basinSet switch
        {
            "heldout" => p.Split.Heldout,
            "train" => p.Split.Train,
            _ => throw new ArgumentException($"--basin-set: expected heldout or train, got '{basinSet}'"),
        };
        if (maxBasins > 0 && ids.Count > maxBasins) ids = ids.Order(StringComparer.Ordinal).Take(maxBasins).ToList();
        if (ids.Count < 2) throw new InvalidOperationException(
            $"{run.Path}: the run has {ids.Count} {basinSet} basins; calibration needs at least 2");
        // calibrated on the period the learned inverse is evaluated on (the same series), validated on the other
        period ??= p.Config.Evaluation.Period;
        if (period is not ("train" or "test")) throw new ArgumentException(
            $"--period: expected train or test, got '{period}'");
        string other = period == "train" ? "test" : "train";
        var (trStart, trEnd) = Workflow.Period(p.Config, period);
        var (teStart, teEnd) = Workflow.Period(p.Config, other);
        var results = new BasinResult?[ids.Count];
        int done = 0;
        Parallelism.For(ids.Count, i =>
        {
            results[i] = CalibrateBasin(data.Basin(ids[i]), data.DriverCount, driver, column, options
                with { Seed = options.Seed + i }, context, (trStart, trEnd), (teStart, teEnd));
            reporter.Progress("calibrate", Interlocked.Increment(ref done) / (double)ids.Count, ids[i]);
        });
        var list = results.Select(r => r!).ToList();
        var std = column.Select(c => p.Normalizer.CharacteristicStd[c]).ToArray();
        var calibrated = list.Select(r => r.Calibrated.ToArray().Select((v, k) => columns[k].ToScale(v)).ToArray())
            .ToList();
        var rows = CharacteristicRecovery.Score(names, basinSet, period, calibrated,
            list.Select(r => r.Truth).ToList(), std);
        File.WriteAllText(run.File(RunFiles.CharacteristicsOf("calibration")), CharacteristicRecovery.ToCsv(rows));
        WriteCalibration(run, basinSet, period, other, names, list, calibrated);
        double median = Metrics.Median(list.Select(r => r.ValidationNse).ToList());
        string seen = context switch { "period" => "that period alone, a year of spin-up",
            "states" => "that period alone, its initial storages searched", _ => "run through the whole record" };
        run.Log($"calibration reference: {list.Count} {basinSet} basins calibrated on the {period} period ({seen}), " +
            $"median NSE on the {other} period {median:F3}");
        // predictions.csv holds the learned inverse on the evaluation period: compared only on the same series
        var identifiability = period == p.Config.Evaluation.Period
            ? IdentifiabilityAgainstLearned(run, basinSet, period, context, names, rows,
                list.Select(r => r.Id).ToHashSet(), std) : [];
        return new Outcome(rows, list, median, identifiability);
    }

    /// <summary>One basin calibrated from scratch on the calibration period, validated on the other.</summary>
    static BasinResult CalibrateBasin(BasinData basin, int driverCount, int[] driver, int[] column,
        HbvCalibration.Options options, string context, (DateOnly Start, DateOnly End) calibration,
        (DateOnly Start, DateOnly End) validation)
    {
        var (tf, tt) = basin.PeriodRange(calibration.Start, calibration.End);
        var (ef, et) = basin.PeriodRange(validation.Start, validation.End);
        bool validate = et - ef >= ObservedDays.Minimum;
        // the calibrated period alone (its own spin-up), or the whole record run through to it; the other period
        // is validated the same way (with the whole record, on the same series)
        bool whole = context == "record", states = context == "states";
        var own = whole ? HbvRecord.Of(basin, driverCount, driver)
            : HbvRecord.OfPeriod(basin, driverCount, driver, tf, tt);
        // states: the period's days alone from searched storages (no spin-up)
        var (series, scoreFrom, scoreTo) = own.CalibrationSeries(basin, tf, tt, states);
        var fit = HbvCalibration.Calibrate(series, scoreFrom, scoreTo, options with { FreeStates = states });
        double nse = double.NaN, nseLog = double.NaN;
        if (validate)
        {
            var check = whole ? own : HbvRecord.OfPeriod(basin, driverCount, driver, ef, et);
            var (q, observed) = (check.Simulate(fit.Parameters), check.Observed(basin));
            (nse, nseLog) = (HbvCalibration.Nse(q, observed, check.IndexOf(ef), check.IndexOf(et), false),
                HbvCalibration.Nse(q, observed, check.IndexOf(ef), check.IndexOf(et), true));
        }
        return new BasinResult(basin.Id, fit.Parameters, column.Select(c => basin.Characteristics[c]).ToArray(),
            fit.Objective, nse, nseLog);
    }

    static void WriteCalibration(RunDirectory run, string basinSet, string period, string other, string[] names,
        List<BasinResult> list, List<double[]> calibrated)
    {
        using (var w = new StreamWriter(run.File(RunFiles.Calibration)))
        {
            w.WriteLine($"basin,basin_set,objective_{period},nse_{other},nse_log_{other},"
                + string.Join(',', names.Select(n => "cal_" + n)) + ","
                + string.Join(',', names.Select(n => "true_" + n)));
            for (int i = 0; i < list.Count; i++)
            {
                var r = list[i];
                w.WriteLine(string.Join(',', [r.Id, basinSet, F(r.Objective), F(r.ValidationNse),
                    F(r.ValidationNseLog), .. calibrated[i].Select(F), .. r.Truth.Select(F)]));
            }
        }
    }

    /// <summary>
    /// The learned inverse's predictions (predictions.csv of evaluate) scored on exactly the calibrated basins, beside
    /// the calibration: identifiability.csv. Empty when the run has not been evaluated.
    /// </summary>
    static List<IdentifiabilityRow> IdentifiabilityAgainstLearned(RunDirectory run, string basinSet, string period,
        string context, string[] names,
        List<RecoveryRow> calibration, HashSet<string> ids, double[] std)
    {
        string path = run.File(RunFiles.Predictions);
        if (!File.Exists(path)) return [];
        var t = CsvTable.Read(path);
        if (names.Any(n => !t.Has("pred_" + n) || !t.Has("true_" + n))) return [];
        var predicted = new List<double[]>(); var known = new List<double[]>();
        foreach (var f in t.Rows)
        {
            if (t.Text(f, "basin_set") != basinSet || !ids.Contains(t.Text(f, "basin"))) continue;
            predicted.Add(names.Select(n => t.Number(f, "pred_" + n)).ToArray());
            known.Add(names.Select(n => t.Number(f, "true_" + n)).ToArray());
        }
        if (predicted.Count < 2) return [];
        var learned = CharacteristicRecovery.Score(names, basinSet, period, predicted, known, std);
        var table = Evaluation.Identifiability.Compare(calibration, learned, basinSet);
        using var w = new StreamWriter(run.File(RunFiles.Identifiability));
        w.WriteLine("parameter,basin_set,n,calibration_r,identifiable,learned_r,context");
        foreach (var r in table)
            w.WriteLine(string.Join(',', r.Parameter, basinSet, predicted.Count.ToString(CultureInfo.InvariantCulture),
                F(r.CalibrationR), r.Identifiable ? "yes" : "no", F(r.LearnedR), context));
        return table;
    }

    static InvalidOperationException Missing(IReadOnlyList<string> names, string what, string name) =>
        new($"the run's data has no {what} '{name}' (has: {string.Join(", ", names)}); calibration needs a synthetic " +
            $"HBV ensemble");

    static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
