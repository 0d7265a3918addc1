using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Hydrology;

namespace Kgssl.Runs;

/// <summary>
/// The learned inverse refined with the forward model: each basin's HBV parameters as the KGSSL head predicted them
/// (predictions.csv) are the center of a Gaussian prior whose spread is the head's error on the training basins, and
/// a short differential evolution with the exact F on the evaluation period alone (the series the head read, its first
/// year once as spin-up) finds the maximum a posteriori parameters (<see cref="HbvCalibration.Prior"/>). Where the
/// hydrograph is sensitive to a parameter the data move it; where it is not, the head's estimate stands. Amortized
/// inference followed by a few hundred runs of F per basin, the way simulation-based inference refines an amortized
/// posterior; only for synthetic HBV ensembles, where F is known. Writes refined.csv and characteristics_refined.csv.
/// </summary>
public static class LearnedRefinement
{
    /// <param name="Weight">Of the prior's penalty (mean squared z over the parameters) against the objective (mean of
    /// NSE and log NSE).</param>
    /// <param name="FreeStates">Search the storages the period starts with too
    /// (<see cref="HbvCalibration.Options.FreeStates"/>), with a flat prior, and run F over the period alone; else F
    /// starts from default storages a year before it (the period's first year once).</param>
    /// <param name="Best">DE/best/1 instead of DE/rand/1 (<see cref="HbvCalibration.Options.Best"/>).</param>
    public sealed record Settings(int Population = 30, int Generations = 100, double Weight = 0.01, int Seed = 1,
        bool FreeStates = true, bool Best = true)
    {
        public void Validate()
        {
            if (Population < 4) throw new ArgumentException($"--population must be at least 4, got {Population}");
            if (Generations < 0) throw new ArgumentException($"--generations must be >= 0, got {Generations}");
            if (!(Weight >= 0 && double.IsFinite(Weight))) throw new ArgumentException(
                $"--prior-weight must be >= 0, got {Weight}");
        }
    }

    /// <param name="Rows">The refined parameters scored against the truth.</param>
    /// <param name="Learned">The head's predictions scored on the same basins.</param>
    /// <param name="Sigma">The prior's spread per parameter, in the run's units (the head's RMSE on the training
    /// basins).</param>
    /// <param name="Basins">Per basin: the head's and the refined parameters and the truth, on the run's
    /// scales.</param>
    public sealed record Outcome(List<RecoveryRow> Rows, List<RecoveryRow> Learned, double[] Sigma,
        double MedianObjective, IReadOnlyList<RefinedBasin> Basins, double Seconds)
    {
        /// <summary>Pearson r of the refined parameters on <paramref name="ids"/> alone, by parameter name.</summary>
        public Dictionary<string, double> PearsonOn(IReadOnlySet<string> ids)
        {
            var chosen = Basins.Where(b => ids.Contains(b.Id)).ToList();
            return Rows.Select((r, k) => (r.Characteristic, R: Metrics.Pearson(chosen.Select(b => b.Refined[k])
                .ToArray(), chosen.Select(b => b.Truth[k]).ToArray())))
                .ToDictionary(x => x.Characteristic, x => x.R);
        }
    }

    public sealed record RefinedBasin(string Id, double[] Learned, double[] Refined, double[] Truth, double Objective);

    /// <summary>One basin of predictions.csv: the head's predictions and the truth, on the run's scales.</summary>
    public sealed record Prediction(string Id, string BasinSet, double[] Predicted, double[] Truth);

    public static Outcome Run(RunDirectory run, Workflow.Prepared p, string basinSet, Settings settings,
        IRunReporter reporter, int maxBasins = 0)
    {
        settings.Validate();
        if (basinSet is not ("heldout" or "train")) throw new ArgumentException(
            $"--basin-set: expected heldout or train, got '{basinSet}'");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var data = p.Data;
        int[] driver = HbvColumns.DriverIndices(data.DriverNames, name => Missing(data.DriverNames, "driver", name));
        var columns = HbvColumns.AllParameters(data.CharacteristicNames,
            name => Missing(data.CharacteristicNames, "characteristic", name));
        var names = columns.Select(c => c.Name).ToArray();
        string path = run.File(RunFiles.Predictions);
        if (!File.Exists(path)) throw new FileNotFoundException(
            $"{path}: not found; run `kgssl evaluate --run {run.Path}` first (refinement starts from the learned " +
            $"inverse)");
        var predictions = ReadPredictions(path, names);
        // the prior's spread: the head's error where it may be known, on the training basins
        var train = predictions.Where(r => r.BasinSet == "train").ToList();
        if (train.Count < 3) throw new InvalidOperationException(
            $"{path}: {train.Count} training basins; the prior's spread needs at least 3 " +
            $"(evaluation.max_train_basins)");
        var (sigmaUnit, sigma) = PriorSpread(columns, train);
        var basins = predictions.Where(r => r.BasinSet == basinSet).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        if (maxBasins > 0 && basins.Count > maxBasins) basins = basins.Take(maxBasins).ToList();
        if (basins.Count < 2) throw new InvalidOperationException(
            $"{path}: {basins.Count} {basinSet} basins; refinement needs at least 2");
        string period = p.Config.Evaluation.Period;
        var (from, to) = Workflow.Period(p.Config, period);
        var refined = new double[basins.Count][];
        var objective = new double[basins.Count];
        int done = 0;
        Parallelism.For(basins.Count, i =>
        {
            (refined[i], objective[i]) = RefineBasin(data.Basin(basins[i].Id), data.DriverCount, basins[i].Predicted,
                columns, driver, sigmaUnit, settings, from, to, settings.Seed + i);
            reporter.Progress("refine", Interlocked.Increment(ref done) / (double)basins.Count, basins[i].Id);
        });
        var std = columns.Select(c => p.Normalizer.CharacteristicStd[c.Index]).ToArray();
        var truth = basins.Select(b => b.Truth).ToList();
        var rows = CharacteristicRecovery.Score(names, basinSet, period, refined, truth, std);
        var learned = CharacteristicRecovery.Score(names, basinSet, period, basins.Select(b => b.Predicted).ToList(),
            truth, std);
        File.WriteAllText(run.File(RunFiles.CharacteristicsOf("refined")), CharacteristicRecovery.ToCsv(rows));
        WriteRefined(run, basins, names, period, refined, objective);
        double median = Metrics.Median(objective.ToList());
        run.Log($"refinement: {basins.Count} {basinSet} basins, the learned inverse as prior (spread: the head's " +
            $"RMSE on {train.Count} training basins), differential evolution {settings.Population} x " +
            $"{settings.Generations} generations, prior weight {settings.Weight}, on the {period} period alone; " +
            $"median objective {median:F4}; {clock.Elapsed.TotalSeconds:F1} s");
        return new Outcome(rows, learned, sigma, median,
            basins.Select((b, i) => new RefinedBasin(b.Id, b.Predicted, refined[i], b.Truth, objective[i])).ToList(),
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>The prior's spread per column: the head's RMSE on the training basins, in the unit cube (with a
    /// floor) and on the column's scale.</summary>
    public static (double[] Unit, double[] Scale) PriorSpread(IReadOnlyList<HbvColumns.Column> columns,
        IReadOnlyList<Prediction> train)
    {
        var sigmaUnit = new double[columns.Count];
        var sigma = new double[columns.Count];
        for (int k = 0; k < columns.Count; k++)
        {
            var c = columns[k];
            var range = HbvParameters.Ranges[c.Parameter];
            double sum = 0, sumScale = 0;
            foreach (var r in train)
            {
                double d = Unit(c, range, r.Predicted[k]) - Unit(c, range, r.Truth[k]);
                sum += d * d;
                sumScale += (r.Predicted[k] - r.Truth[k]) * (r.Predicted[k] - r.Truth[k]);
            }
            // a floor: a head that is exact on the training basins must not freeze a parameter
            sigmaUnit[k] = Math.Max(Math.Sqrt(sum / train.Count), 0.01);
            sigma[k] = Math.Sqrt(sumScale / train.Count);
        }
        return (sigmaUnit, sigma);
    }

    /// <summary>One basin's parameters calibrated with the head's estimate as the center of a Gaussian prior;
    /// returns them on the columns' scales, with the objective.</summary>
    static (double[] Refined, double Objective) RefineBasin(BasinData basin, int driverCount, double[] predicted,
        IReadOnlyList<HbvColumns.Column> columns, int[] driver, double[] sigmaUnit, Settings settings, DateOnly from,
        DateOnly to, int seed)
    {
        var (f, t) = basin.PeriodRange(from, to);
        // with free initial storages, the period's days alone; else with the spin-up year before them
        var (series, scoreFrom, scoreTo) = HbvRecord.OfPeriod(basin, driverCount, driver, f, t)
            .CalibrationSeries(basin, f, t, settings.FreeStates);
        int dims = columns.Count + (settings.FreeStates ? HbvCalibration.StateCount : 0);
        var center = new double[dims];
        var spread = new double[dims];
        foreach (var (c, k) in columns.Select((c, k) => (c, k)))
            (center[c.Parameter], spread[c.Parameter]) = (Unit(c, HbvParameters.Ranges[c.Parameter],
                predicted[k]), sigmaUnit[k]);
        // the head does not estimate the initial storages: a prior so wide it is flat over the cube
        for (int d = columns.Count; d < dims; d++) (center[d], spread[d]) = (0.5, FlatSigma);
        var options = new HbvCalibration.Options(settings.Population, settings.Generations, Seed: seed,
            Prior: new HbvCalibration.Prior(center, spread, settings.Weight), FreeStates: settings.FreeStates,
            Best: settings.Best);
        var fit = HbvCalibration.Calibrate(series, scoreFrom, scoreTo, options);
        var physical = fit.Parameters.ToArray();
        return (columns.Select(c => c.ToScale(physical[c.Parameter])).ToArray(), fit.Objective);
    }

    static void WriteRefined(RunDirectory run, IReadOnlyList<Prediction> basins, string[] names, string period,
        double[][] refined, double[] objective) =>
        new NumericTable(["basin", "basin_set"], basins.Select(b => new[] { b.Id, b.BasinSet }).ToList(),
            [$"objective_{period}", .. names.Select(n => "learned_" + n), .. names.Select(n => "refined_" + n),
                .. names.Select(n => "true_" + n)],
            basins.Select((b, i) => new[] { objective[i] }.Concat(b.Predicted).Concat(refined[i]).Concat(b.Truth)
                .ToArray()).ToList())
            .WriteCsv(run.File(RunFiles.Refined));

    const double FlatSigma = 10;

    /// <summary>A value on a column's scale as a coordinate of the unit cube of its range, clamped into it.</summary>
    public static double Unit(HbvColumns.Column c, HbvParameters.Range range, double value) =>
        LatinHypercube.Unscale(c.Log10 ? Math.Pow(10, value) : value, range);

    /// <summary>
    /// The rows of predictions.csv (evaluate) with the predictions and truths of <paramref name="names"/>; with
    /// <paramref name="unknownTruth"/> a truth may be NaN (a characteristic not known for that basin).
    /// </summary>
    public static List<Prediction> ReadPredictions(string path, IReadOnlyList<string> names, bool unknownTruth = false)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Split(',') ?? throw new DataFormatException(path, 1,
            "empty file; expected a header basin,basin_set,pred_...,true_...");
        if (header.Length < 2 || header[0] != "basin" || header[1] != "basin_set")
            throw new DataFormatException(path, 1,
                $"expected the header to start with basin,basin_set, got '{string.Join(',', header.Take(2))}'");
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new DataFormatException(path, 1,
            $"no column '{name}' (the run's characteristics: {string.Join(", ", names)})");
        int[] pred = names.Select(n => Column("pred_" + n)).ToArray(),
            truth = names.Select(n => Column("true_" + n)).ToArray();
        var rows = new List<Prediction>();
        int line = 1;
        for (string? l; (l = reader.ReadLine()) is not null;)
        {
            line++;
            if (l.Length == 0) continue;
            var f = l.Split(',');
            if (f.Length != header.Length) throw new DataFormatException(path, line,
                $"expected {header.Length} fields, got {f.Length}");
            double Number(int i) => double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                && double.IsFinite(v)
                ? v : throw new DataFormatException(path, line,
                    $"column {header[i]}: expected a finite number, got '{f[i]}'");
            double Truth(int i) => unknownTruth && f[i] == "NaN" ? double.NaN : Number(i);
            rows.Add(new Prediction(f[0], f[1], pred.Select(Number).ToArray(), truth.Select(Truth).ToArray()));
        }
        return rows;
    }

    static InvalidOperationException Missing(IReadOnlyList<string> names, string what, string name) =>
        new($"the run's data has no {what} '{name}' (has: {string.Join(", ", names)}); refinement needs a synthetic " +
            $"HBV ensemble");
}
