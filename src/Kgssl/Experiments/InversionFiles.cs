using System.Globalization;
using System.Text;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Runs;

namespace Kgssl.Experiments;

/// <summary>The files of an HBV inversion (docs/outputs.md): parameters, scores per basin and method, the summary,
/// the agreement of the methods per parameter, the basins left out and the simulated test flows.</summary>
public static class InversionFiles
{
    /// <summary>r between two calibrations from scratch (different seeds) above which a parameter counts as
    /// identified by the data.</summary>
    public const double IdentifiedBar = 0.8;

    public static void Write(RunDirectory run, HbvInversion.Outcome o, HydroDataset observed,
        HbvInversion.Options options)
    {
        WriteParameters(run, o);
        WriteStorages(run, o, options.CalibrationEnd);
        WriteBasins(run, o);
        WriteSummary(run, o);
        WriteAgreement(run, o);
        WriteComparison(run, o, options.Seed);
        if (o.Regional is { } regional) WriteRegional(run, o, regional);
        if (o.Truth.Count > 0) WriteTruth(run, o);
        WriteBands(run, o);
        WriteDropped(run.File(RunFiles.InversionDropped), o.Dropped);
        WriteFlows(run, o, observed, options);
    }

    /// <summary>Per basin, method with a band and class of simulated flow: the class's upper edge (mm/day; NaN for
    /// the last) and the log errors' quantiles (<see cref="FlowBand"/>).</summary>
    static void WriteBands(RunDirectory run, HbvInversion.Outcome o)
    {
        var keys = new List<string[]>();
        var rows = new List<double[]>();
        foreach (var (basin, method, e) in Rows(o))
        {
            if (e.Band is not { } b) continue;
            for (int c = 0; c < b.Low.Length; c++)
            {
                keys.Add([basin.Id, method]);
                rows.Add([c + 1, c < b.Edges.Length ? b.Edges[c] : double.NaN, b.Low[c], b.High[c]]);
            }
        }
        new NumericTable(["basin", "method"], keys, ["class", "upper_edge", "low", "high"], rows)
            .WriteCsv(run.File(RunFiles.FlowBands));
    }

    /// <summary>The basins left out and why, one row each (<c>basin</c>, <c>reason</c>).</summary>
    public static void WriteDropped(string path, IEnumerable<(string Id, string Reason)> dropped)
    {
        var sb = new StringBuilder("basin,reason\n");
        foreach (var (id, reason) in dropped) sb.Append(id).Append(",\"").Append(reason.Replace("\"", "'"))
            .Append("\"\n");
        File.WriteAllText(path, sb.ToString());
    }

    static IEnumerable<(HbvInversion.BasinResult Basin, string Method, HbvInversion.Estimate E)> Rows(
        HbvInversion.Outcome o) =>
        o.Basins.SelectMany(b => HbvInversion.Methods.Where(b.ByMethod.ContainsKey)
            .Select(m => (b, m, b.ByMethod[m])));

    /// <summary>Every parameter set of every method with parameters, numbered per basin and method: the refinement's
    /// searches 1, 2, ...; one set otherwise.</summary>
    static List<(string Id, string Method, string Search, HbvInversion.ParameterSet Set)> Sets(
        HbvInversion.Outcome o) =>
        Rows(o).SelectMany(r => r.E.Sets.Select((set, k) =>
            (r.Basin.Id, r.Method, (k + 1).ToString(CultureInfo.InvariantCulture), set))).ToList();

    static void WriteParameters(RunDirectory run, HbvInversion.Outcome o)
    {
        var names = o.Columns.Select(c => c.Name).ToList();
        var rows = Sets(o);
        new NumericTable(["basin", "method", "search"], rows.Select(r => new[] { r.Id, r.Method, r.Search }).ToList(),
            [.. names, .. names.Select(n => "sd_" + n)],
            rows.Select(r => r.Set.Values.Concat(r.Set.Spread).ToArray()).ToList())
            .WriteCsv(run.File(RunFiles.Parameters));
    }

    /// <summary>Per basin, method with HBV parameters and parameter set, the storages (mm) after the last calibration
    /// day.</summary>
    static void WriteStorages(RunDirectory run, HbvInversion.Outcome o, DateOnly end)
    {
        var rows = Sets(o);
        string date = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        new NumericTable(["basin", "method", "search", "date"],
            rows.Select(r => new[] { r.Id, r.Method, r.Search, date }).ToList(), StorageColumns,
            rows.Select(r => StorageValues(r.Set.End)).ToList()).WriteCsv(run.File(RunFiles.Storages));
    }

    /// <summary>The storages' columns (mm): the stores, the routing's total and its water by the day it arrives, over
    /// the longest routing of HBV's ranges (<see cref="HbvCalibration.RoutingDays"/>).</summary>
    public static readonly string[] StorageColumns = ["snow", "snow_liquid", "soil", "upper_box", "lower_box",
        "routing", .. Enumerable.Range(1, HbvCalibration.RoutingDays).Select(k => $"routing_day_{k}")];

    /// <summary>One row of <see cref="StorageColumns"/>.</summary>
    public static double[] StorageValues(HbvStorages s) => [s.Snow, s.Liquid, s.Soil, s.Upper, s.Lower, s.Routing,
        .. Enumerable.Range(0, HbvCalibration.RoutingDays).Select(k => k < s.Pending.Length ? s.Pending[k] : 0)];

    static void WriteBasins(RunDirectory run, HbvInversion.Outcome o)
    {
        var rows = Rows(o).ToList();
        new NumericTable(["basin", "method"], rows.Select(r => new[] { r.Basin.Id, r.Method }).ToList(),
            ["nse", "kge", "log_nse", "calibration_objective", "hbv_runs", "coverage_90"],
            rows.Select(r => new[] { r.E.Nse, r.E.Kge, r.E.LogNse, r.E.CalibrationObjective, (double)r.E.Runs,
                r.E.Coverage }).ToList()).WriteCsv(run.File(RunFiles.InversionBasins));
    }

    /// <summary>Per method on the test years; wall_s is what a user waits for that method's parameters (refined:
    /// reading the flows with the inverse and the refinement; the inverse's training, once, is apart).</summary>
    static void WriteSummary(RunDirectory run, HbvInversion.Outcome o)
    {
        var s = o.Seconds;
        var wall = new Dictionary<string, double>
        {
            ["learned"] = s["learned"],
            ["refined"] = s["learned"] + s["refined"],
            ["calibrated"] = s.GetValueOrDefault("calibrated"),
            [HbvInversion.Emulator] = s["learned"],
        };
        var methods = HbvInversion.Methods.Where(m => o.Basins.Any(b => b.ByMethod.ContainsKey(m))).ToList();
        new NumericTable(["method"], methods.Select(m => new[] { m }).ToList(),
            ["n", "median_nse", "mean_nse", "median_kge", "median_log_nse", "n_nse_le_0",
                "median_calibration_objective", "hbv_runs_per_basin", "wall_s", "inverse_training_s",
                "median_coverage_90"],
            methods.Select(m =>
            {
                var e = o.Basins.Where(b => b.ByMethod.ContainsKey(m)).Select(b => b.ByMethod[m]).ToList();
                return new[]
                {
                    e.Count, Metrics.Median(e.Select(x => x.Nse)), e.Select(x => x.Nse).Where(double.IsFinite)
                        .DefaultIfEmpty(double.NaN).Average(),
                    Metrics.Median(e.Select(x => x.Kge)), Metrics.Median(e.Select(x => x.LogNse)),
                    e.Count(x => !(x.Nse > 0)), Metrics.Median(e.Select(x => x.CalibrationObjective)),
                    e.Average(x => x.Runs), Math.Round(wall[m], 1), Math.Round(s["inverse"], 1),
                    Metrics.Median(e.Select(x => x.Coverage)),
                };
            }).ToList()).WriteCsv(run.File(RunFiles.InversionSummary));
    }

    /// <summary>Per parameter: Pearson r across basins between the methods and between two calibrations from
    /// scratch, and whether the data identify it.</summary>
    static void WriteAgreement(RunDirectory run, HbvInversion.Outcome o)
    {
        double R(int k, Func<HbvInversion.BasinResult, double[]?> a, Func<HbvInversion.BasinResult, double[]?> b)
        {
            var pairs = o.Basins.Where(x => a(x) is not null && b(x) is not null).ToList();
            return pairs.Count < 3 ? double.NaN
                : Metrics.Pearson(pairs.Select(x => a(x)![k]).ToArray(), pairs.Select(x => b(x)![k]).ToArray());
        }
        double[]? Of(HbvInversion.BasinResult b, string m) => b.ByMethod.TryGetValue(m, out var e) ? e.Values : null;
        var rows = o.Columns.Select((c, k) =>
        {
            double seeds = R(k, b => Of(b, "calibrated"), b => b.SecondReference);
            return new[]
            {
                R(k, b => Of(b, "learned"), b => Of(b, "calibrated")),
                R(k, b => Of(b, "refined"), b => Of(b, "calibrated")),
                R(k, b => Of(b, "learned"), b => Of(b, "refined")), seeds,
                double.IsNaN(seeds) ? double.NaN : seeds >= IdentifiedBar ? 1 : 0,
            };
        }).ToList();
        new NumericTable(["parameter"], o.Columns.Select(c => new[] { c.Name }).ToList(),
            ["r_learned_calibrated", "r_refined_calibrated", "r_learned_refined", "r_calibrated_two_seeds",
                "identified"], rows).WriteCsv(run.File(RunFiles.InversionAgreement));
    }

    /// <summary>Each method's test NSE against calibration from scratch's, basin by basin and by the medians, with
    /// the bootstrap interval of the difference of the medians (<see cref="PairedComparison"/>); with two seeds,
    /// the second calibration against the first too (<see cref="HbvInversion.CalibratedAgain"/>). Nothing without
    /// calibrations.</summary>
    static void WriteComparison(RunDirectory run, HbvInversion.Outcome o, int seed)
    {
        const string reference = "calibrated";
        var basins = o.Basins.Where(b => b.ByMethod.ContainsKey(reference)).ToList();
        if (basins.Count == 0) return;
        double Nse(HbvInversion.BasinResult b, string m) => m == HbvInversion.CalibratedAgain ? b.SecondReferenceNse
            : b.ByMethod.TryGetValue(m, out var e) ? e.Nse : double.NaN;
        var methods = HbvInversion.Methods.Where(m => m != reference && basins.Any(b => b.ByMethod.ContainsKey(m)))
            .ToList();
        if (basins.Any(b => double.IsFinite(b.SecondReferenceNse))) methods.Add(HbvInversion.CalibratedAgain);
        var rows = methods.Select(m => PairedComparison.Of(basins.Select(b => Nse(b, m)).ToList(),
            basins.Select(b => b.ByMethod[reference].Nse).ToList(), seed)).ToList();
        new NumericTable(["method", "against"], methods.Select(m => new[] { m, reference }).ToList(),
            ["n", "median_paired_difference", "share_better", "difference_of_medians", "ci_low", "ci_high",
                "share_resamples_at_least_even"],
            rows.Select(c => new[] { c.N, c.MedianDifference, c.ShareBetter, c.DifferenceOfMedians, c.Low, c.High,
                c.ShareAtLeastEven }).ToList()).WriteCsv(run.File(RunFiles.InversionComparison));
    }

    /// <summary>Per parameter: the regional prior's sigma and how much of the first round's refined values across
    /// the basins its ridge explains.</summary>
    static void WriteRegional(RunDirectory run, HbvInversion.Outcome o, HbvInversion.RegionalPrior r) =>
        new NumericTable(["parameter"], o.Columns.Select(c => new[] { c.Name }).ToList(),
            ["sd_unit", "r2", "ridge_penalty", "weight"], o.Columns.Select(c => new[]
            {
                r.Sigma[c.Parameter], r.R2[c.Parameter], r.Models[c.Parameter]?.Penalty ?? double.NaN, r.Weight,
            }).ToList()).WriteCsv(run.File(RunFiles.RegionalPrior));

    /// <summary>Where the true parameters are known: per method with parameters and per parameter, the estimates
    /// against the truth across the basins and how often the truth lies within 1 and 2 of the method's sd.</summary>
    static void WriteTruth(RunDirectory run, HbvInversion.Outcome o)
    {
        var methods = HbvInversion.Methods.Where(m => m != HbvInversion.Emulator).ToList();
        var keys = new List<string[]>();
        var rows = new List<double[]>();
        foreach (var m in methods)
            foreach (var (c, k) in o.Columns.Select((c, k) => (c, k)))
            {
                var cases = o.Basins.Where(b => b.ByMethod.ContainsKey(m) && o.Truth.ContainsKey(b.Id))
                    .Select(b => (E: b.ByMethod[m], True: c.ToScale(o.Truth[b.Id][c.Parameter]))).ToList();
                if (cases.Count == 0) continue;
                var z = cases.Select(x => Math.Abs(x.E.Values[k] - x.True) / x.E.Spread[k]).ToList();
                keys.Add([m, c.Name]);
                rows.Add([cases.Count,
                    cases.Count < 3 ? double.NaN : Metrics.Pearson(cases.Select(x => x.E.Values[k]).ToArray(),
                        cases.Select(x => x.True).ToArray()),
                    Math.Sqrt(cases.Average(x => Math.Pow(x.E.Values[k] - x.True, 2))),
                    z.Count(v => v <= 1) / (double)z.Count, z.Count(v => v <= 2) / (double)z.Count, Metrics.Median(z)]);
            }
        new NumericTable(["method", "parameter"], keys, ["n", "r", "rmse", "within_1sd", "within_2sd", "median_abs_z"],
            rows).WriteCsv(run.File(RunFiles.InversionTruth));
    }

    /// <summary>flows/&lt;basin&gt;.csv: the test days' observed streamflow and each method's simulation, as scored
    /// (mm/day).</summary>
    static void WriteFlows(RunDirectory run, HbvInversion.Outcome o, HydroDataset observed,
        HbvInversion.Options options)
    {
        string folder = run.File(RunFiles.FlowsFolder);
        Directory.CreateDirectory(folder);
        Parallelism.For(o.Basins.Count, i =>
        {
            var r = o.Basins[i];
            var basin = observed.Basin(r.Id);
            var methods = HbvInversion.Methods.Where(r.ByMethod.ContainsKey).ToList();
            var (from, to) = basin.PeriodRange(options.TestStart, options.TestEnd);
            var columns = methods.Select(m => (m, (IReadOnlyList<double>)r.ByMethod[m].TestFlow)).ToList();
            foreach (var m in methods.Where(m => r.ByMethod[m].Band is not null))
                columns.AddRange([($"{m}_low", r.ByMethod[m].TestLow), ($"{m}_high", r.ByMethod[m].TestHigh)]);
            WriteFlowFile(Path.Combine(folder, r.Id + ".csv"), basin.Dates[from..to],
                basin.Response[from..to].Select(v => (double)v).ToArray(), columns);
        });
    }

    /// <summary>One basin's flows file: the date, the observed streamflow (empty where missing) and each simulated
    /// series, mm/day to three decimals.</summary>
    public static void WriteFlowFile(string path, IReadOnlyList<DateOnly> dates, IReadOnlyList<double> observed,
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> columns)
    {
        var sb = new StringBuilder("date,observed");
        foreach (var (name, _) in columns) sb.Append(',').Append(name);
        sb.Append('\n');
        for (int t = 0; t < dates.Count; t++)
        {
            sb.Append(dates[t].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').Append(F(observed[t]));
            foreach (var (_, values) in columns) sb.Append(',').Append(F(values[t]));
            sb.Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>A flow (mm/day) as the flows' files write it: three decimals, empty where missing.</summary>
    public static string F(double v) => double.IsNaN(v) ? "" : v.ToString("0.###", CultureInfo.InvariantCulture);
}
