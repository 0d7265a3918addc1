using System.Globalization;
using System.Text;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;

namespace Kgssl.Runs;

/// <summary>
/// The unseen-basin protocol in one call: every fold of data.folds trained and evaluated in a run folder of its own
/// (<c>fold_k/</c>; a finished fold is kept, an interrupted one resumes from its last epoch), the held-out predictions
/// of all folds pooled and scored as one set, and the baselines on the same folds beside them.
/// </summary>
public static class CrossValidation
{
    /// <summary>The pooled estimates: the pure inverse, the head alone (with analogs on), the knowledge-guided one,
    /// and the imputation (when configured).</summary>
    public static readonly (string Method, string Suffix)[] Estimates =
        [("kgssl", ""), ("kgssl_head", "_head"), ("kgssl_knowledge", "_knowledge"), ("kgssl_imputed", "_imputed")];

    /// <param name="Pooled">Recovery rows (basin set "heldout") per method, pooled over the folds.</param>
    /// <param name="Folds">Per fold and method: the summary over that fold's held-out basins.</param>
    /// <param name="WallSeconds">This call (the folds it ran, the baselines, the pooling).</param>
    /// <param name="FoldSeconds">The folds' own wall times (run.json), whichever call ran them.</param>
    public sealed record Outcome(IReadOnlyDictionary<string, List<RecoveryRow>> Pooled, List<FoldScore> Folds,
        double WallSeconds, double FoldSeconds = double.NaN);

    public sealed record FoldScore(int Fold, string Method, int Basins, double MeanR, int Above08);

    public static Outcome Run(RunDirectory parent, KgsslConfig config, IRunReporter reporter)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int folds = config.Data.Folds;
        if (folds < 2) throw new ConfigException($"crossval needs data.folds >= 2 (--folds), got {folds}");
        for (int f = 0; f < folds; f++) RunFold(parent, config, f, reporter);
        reporter.Info("baselines on the same folds");
        var data = DatasetLoader.Load(config.Data, progress: new Progress<double>(
            x => reporter.Progress("load data", x))).Data;
        var baseline = Baseline.Run(config, data, new Progress<double>(x => reporter.Progress("baselines", x)));
        var outcome = Pool(parent, config, data, baseline, folds);
        double foldSeconds = Enumerable.Range(0, folds).Sum(f =>
            RunDirectory.Open(FoldFolder(parent, f)).ReadRunInfo().GetValueOrDefault("wall_seconds") is { } w
                ? w.GetDouble() : double.NaN);
        outcome = outcome with { WallSeconds = clock.Elapsed.TotalSeconds, FoldSeconds = foldSeconds };
        Write(parent, outcome, data.CharacteristicNames);
        return outcome;
    }

    public static string FoldFolder(RunDirectory parent, int fold) => parent.File($"fold_{fold}");

    static void RunFold(RunDirectory parent, KgsslConfig config, int fold, IRunReporter reporter)
    {
        string dir = FoldFolder(parent, fold);
        var foldConfig = config with { Data = config.Data with { Fold = fold } };
        if (File.Exists(Path.Combine(dir, RunFiles.Characteristics)))
        {
            reporter.Info($"fold {fold}: already evaluated ({dir})");
            return;
        }
        bool resume = Directory.Exists(dir) && Training.Checkpoint.Exists(dir, "last");
        var run = resume ? RunDirectory.Open(dir) : RunDirectory.Create($"fold_{fold}", dir);
        if (!resume) run.Begin(foldConfig, $"crossval fold {fold}");
        reporter.Info($"fold {fold}: {(resume ? "resuming" : "training")} in {dir}");
        run.Tracked(() =>
        {
            var prepared = Workflow.Prepare(run, foldConfig, reporter, resuming: resume);
            Workflow.Train(run, prepared, resume, reporter);
            return Workflow.Evaluate(run, prepared, foldConfig.Evaluation.Period, reporter);
        });
    }

    /// <summary>
    /// Pools the held-out rows of every fold's predictions files and scores them as one set; the baselines' held-out
    /// predictions are scored the same way. rmse_z is in units of each characteristic's std over all the basins.
    /// </summary>
    public static Outcome Pool(RunDirectory parent, KgsslConfig config, HydroDataset data, Baseline.Result baseline,
        int folds)
    {
        var names = data.CharacteristicNames;
        var std = Baseline.CharacteristicStd(data, data.BasinsWithResponse());
        var pooled = new Dictionary<string, List<RecoveryRow>>();
        var perFold = new List<FoldScore>();
        foreach (var (method, suffix) in Estimates)
        {
            var byFold = new List<(int Fold, List<LearnedRefinement.Prediction> Rows)>();
            for (int f = 0; f < folds; f++)
            {
                string path = Path.Combine(FoldFolder(parent, f), $"predictions{suffix}.csv");
                if (!File.Exists(path)) { byFold.Clear(); break; }
                byFold.Add((f, LearnedRefinement.ReadPredictions(path, names, unknownTruth: true)
                    .Where(r => r.BasinSet == "heldout").ToList()));
            }
            if (byFold.Count == 0) continue;
            var scored = suffix == "_imputed" ? Others(names, config.Evaluation.Known)
                : Enumerable.Range(0, names.Count).ToList();
            pooled[method] = Score(names, scored, byFold.SelectMany(x => x.Rows).Select(r => (r.Predicted, r.Truth))
                .ToList(), std);
            perFold.AddRange(byFold.Select(x => Summarize(x.Fold, method,
                Score(names, scored, x.Rows.Select(r => (r.Predicted, r.Truth)).ToList(), std))));
        }
        foreach (var (method, rows) in baseline.Rows)
        {
            pooled[method] = rows.Where(r => r.BasinSet == "heldout").ToList();
            for (int f = 0; f < folds; f++)
            {
                var mine = baseline.Predictions.Where(p => p.Method == method && p.Set == "heldout" && p.Fold == f)
                    .Select(p => (p.Values, data.Basin(p.Id).Characteristics)).ToList();
                perFold.Add(Summarize(f, method, Score(names, Enumerable.Range(0, names.Count).ToList(), mine, std)));
            }
        }
        return new Outcome(pooled, perFold, 0);
    }

    static List<int> Others(IReadOnlyList<string> names, IEnumerable<string> known)
    {
        var k = Workflow.KnownIndices(names, known, "evaluation.known");
        return Enumerable.Range(0, names.Count).Where(i => !k.Contains(i)).ToList();
    }

    static List<RecoveryRow> Score(IReadOnlyList<string> names, IReadOnlyList<int> columns,
        IReadOnlyList<(double[] Pred, double[] Truth)> rows, double[] std) =>
        CharacteristicRecovery.Score(columns.Select(k => names[k]).ToList(), "heldout", "test",
            rows.Select(r => columns.Select(k => r.Pred[k]).ToArray()).ToList(),
                rows.Select(r => columns.Select(k => r.Truth[k]).ToArray()).ToList(),
            columns.Select(k => std[k]).ToList());

    static FoldScore Summarize(int fold, string method, List<RecoveryRow> rows)
    {
        var (a8, _, mean, _, _) = CharacteristicRecovery.Summary(rows);
        return new FoldScore(fold, method, rows.Count > 0 ? rows[0].N : 0, mean, a8);
    }

    /// <summary>characteristics_&lt;method&gt;.csv per method, crossval_summary.csv, crossval_folds.csv and
    /// crossval_table.csv.</summary>
    static void Write(RunDirectory parent, Outcome o, IReadOnlyList<string> names)
    {
        foreach (var (method, rows) in o.Pooled)
            File.WriteAllText(parent.File(RunFiles.CharacteristicsOf(method)), CharacteristicRecovery.ToCsv(rows));
        var summary = new StringBuilder("method,characteristics,basins,above_0.8,above_0.9,mean_r,mean_rmse_z\n");
        foreach (var (method, rows) in o.Pooled)
        {
            var (a8, a9, mean, z, n) = CharacteristicRecovery.Summary(rows);
            summary.Append(string.Create(CultureInfo.InvariantCulture,
                $"{method},{n},{(rows.Count > 0 ? rows.Max(r => r.N) : 0)},{a8},{a9},{mean:F4},{z:F4}\n"));
        }
        File.WriteAllText(parent.File(RunFiles.CrossvalSummary), summary.ToString());
        File.WriteAllLines(parent.File(RunFiles.CrossvalFolds), ["fold,method,basins,mean_r,above_0.8",
            .. o.Folds.Select(f => string.Create(CultureInfo.InvariantCulture,
                $"{f.Fold},{f.Method},{f.Basins},{f.MeanR:F4},{f.Above08}"))]);
        var methods = o.Pooled.Keys.ToList();
        var table = new StringBuilder("characteristic," + string.Join(',', methods) + "\n");
        foreach (var name in names)
            table.Append(name).Append(',').Append(string.Join(',', methods.Select(m =>
                o.Pooled[m].FirstOrDefault(r => r.Characteristic == name)?.PearsonR.ToString("F4",
                    CultureInfo.InvariantCulture) ?? ""))).Append('\n');
        File.WriteAllText(parent.File(RunFiles.CrossvalTable), table.ToString());
    }
}
