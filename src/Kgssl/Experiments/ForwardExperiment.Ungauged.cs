using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Runs;
using static TorchSharp.torch;

namespace Kgssl.Experiments;

/// <summary>
/// Basins the streamflow model never trained on: the basins fall into folds (those of <see cref="BasinSplit"/>,
/// as <c>kgssl crossval</c> draws them); per fold the model trains on the other folds' basins and scores the fold's
/// basins on the test years. A held-out basin's statics are what a hydrologist would have for a new or ungauged
/// site: its catalogued characteristics, none, its neighbours' characteristics (training basins only), or the
/// KGSSL embedding of a few months of its own record from the crossval fold's run, which never saw it either.
/// </summary>
public static partial class ForwardExperiment
{
    /// <summary>One fold of the ungauged protocol: the basins that train (first) and those held out (last).
    /// </summary>
    public sealed record Fold(int Index, IReadOnlyList<string> Train, IReadOnlyList<string> Heldout)
    {
        public IReadOnlyList<string> Basins => [.. Train, .. Heldout];
    }

    /// <summary>The folds over <paramref name="basins"/>, drawn from training.seed as crossval draws them.</summary>
    public static List<Fold> Folds(KgsslConfig c, IReadOnlyList<string> basins, int folds)
    {
        if (folds < 2) throw new ConfigException($"--folds must be at least 2, got {folds}");
        return Enumerable.Range(0, folds).Select(k =>
        {
            var split = BasinSplit.Make(basins, c.Training.Seed, 0, folds, k, 0);
            return new Fold(k, split.Train, split.Heldout);
        }).ToList();
    }

    /// <summary>
    /// The settings of one fold by name (<see cref="Planned"/> over <see cref="Fold.Basins"/>), built only when asked:
    /// the embedding's from the crossval fold's run, z-scored with the training basins' spread.
    /// </summary>
    static List<(string Name, Func<Setting> Build)> UngaugedPlan(KgsslConfig c, Workflow.Prepared p, Fold fold,
        string which, string? crossvalRun)
    {
        var embedding = crossvalRun is null ? null
            : Embeddings(() => FoldRun(crossvalRun, fold), c, p.Data, fold.Basins, fold.Train.Count);
        return Planned(c, p, fold.Basins, which, embedding, fold);
    }

    /// <summary>
    /// The data as the fold's training basins alone see it: the normalizer (drivers, response and characteristics)
    /// fitted on their training years, and the feature store built with it. A held-out basin's characteristics or
    /// series then shape neither the training nor the scale of its own statics.
    /// </summary>
    public static Workflow.Prepared ForFold(Workflow.Prepared p, Fold fold)
    {
        var d = p.Config.Data;
        var (start, end) = d.Train();
        var norm = Normalizer.Fit(p.Data, fold.Train, start, end, d.LogResponse);
        return p with { Normalizer = norm, Store = FeatureStore.FromConfig(p.Data, norm, d) };
    }

    /// <summary>The crossval run's folder for this fold, checked to hold out exactly this fold's basins: an
    /// embedding that saw a held-out basin would leak it.</summary>
    static string FoldRun(string crossvalRun, Fold fold)
    {
        string dir = Path.Combine(crossvalRun, $"fold_{fold.Index}");
        var split = TrainedRun.ReadSplit(RunDirectory.Open(dir));
        var seen = split.Train.Concat(split.Validation).ToHashSet(StringComparer.Ordinal);
        var leaked = fold.Heldout.Where(seen.Contains).ToList();
        if (leaked.Count > 0)
            throw new ConfigException(
                $"{dir}: the KGSSL run trained on {leaked.Count} of this fold's held-out basins (e.g. {leaked[0]}); " +
                "run crossval with the same training.seed and --folds as the forward experiment");
        return dir;
    }

    /// <summary>
    /// Runs every fold and setting, resuming: a (fold, setting) pair already in forward_ungauged_folds.csv of the
    /// run folder is read back, not trained again. Returns each setting pooled over the folds (wall seconds
    /// summed).
    /// </summary>
    public static List<SettingResult> Ungauged(KgsslConfig c, Workflow.Prepared p, IReadOnlyList<string> basins,
        int folds, string which, string? crossvalRun, Device device, RunDirectory run, IRunReporter reporter)
    {
        void Say(string message) { run.Log(message); reporter.Info(message); }
        var done = UngaugedProgress.Read(run.Path);
        foreach (var fold in Folds(c, basins, folds))
        {
            var todo = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, _) in UngaugedPlan(c, p, fold, which, crossvalRun))
                if (done.Has(fold.Index, name)) Say($"fold {fold.Index}, {name}: already scored");
                else todo.Add(name);
            if (todo.Count == 0) continue;
            var fp = ForFold(p, fold);
            foreach (var (name, build) in UngaugedPlan(c, fp, fold, which, crossvalRun))
            {
                if (!todo.Contains(name)) continue;
                var setting = build();
                var r = Run(c, fp.Store, fold.Basins, setting, fp.Normalizer, device,
                    new Progress<double>(x => reporter.Progress($"fold {fold.Index} {setting.Name}", x)),
                    heldout: fold.Heldout.Count);
                done.Add(fold.Index, r);
                done.Write(run.Path);
                Say($"fold {fold.Index}, {setting.Name}: median NSE {r.MedianNse:F3} over " +
                    $"{r.Scores.Count} held-out basins, {r.WallSeconds:F0} s");
            }
        }
        var pooled = done.Pooled();
        Write(run.Path, pooled);
        return pooled;
    }

    /// <summary>The ungauged protocol's finished (fold, setting) pairs: forward_ungauged_folds.csv (one row per
    /// pair: its basins' scores) and forward_ungauged_walls.csv (its wall seconds).</summary>
    sealed class UngaugedProgress
    {
        readonly List<(int Fold, BasinScore Score)> _scores = [];
        readonly Dictionary<(int, string), double> _walls = [];

        public bool Has(int fold, string setting) => _walls.ContainsKey((fold, setting));

        public void Add(int fold, SettingResult r)
        {
            _scores.AddRange(r.Scores.Select(s => (fold, s)));
            _walls[(fold, r.Setting.Name)] = r.WallSeconds;
        }

        public static UngaugedProgress Read(string runDir)
        {
            var progress = new UngaugedProgress();
            string walls = Path.Combine(runDir, RunFiles.ForwardUngaugedWalls);
            string scores = Path.Combine(runDir, RunFiles.ForwardUngaugedFolds);
            if (!File.Exists(walls) || !File.Exists(scores)) return progress;
            var w = CsvTable.Read(walls);
            foreach (var row in w.Rows)
                progress._walls[((int)w.Number(row, "fold"), w.Text(row, "setting"))] = w.Number(row, "wall_s");
            var t = CsvTable.Read(scores);
            foreach (var row in t.Rows)
                if (progress.Has((int)t.Number(row, "fold"), t.Text(row, "setting")))
                    progress._scores.Add(((int)t.Number(row, "fold"), new BasinScore(t.Text(row, "setting"),
                        t.Text(row, "basin"), t.Number(row, "nse"), t.Number(row, "kge"))));
            return progress;
        }

        /// <summary>Both files, each written whole to a temporary name and then moved over the old one, the scores
        /// first: a pair counts as done only once its wall time is in.</summary>
        public void Write(string runDir)
        {
            static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
            WriteAtomic(Path.Combine(runDir, RunFiles.ForwardUngaugedFolds), ["fold,setting,basin,nse,kge",
                .. _scores.Select(x =>
                    $"{x.Fold},{x.Score.Setting},{x.Score.Basin},{G(x.Score.Nse)},{G(x.Score.Kge)}")]);
            WriteAtomic(Path.Combine(runDir, RunFiles.ForwardUngaugedWalls), ["fold,setting,wall_s",
                .. _walls.Select(kv => $"{kv.Key.Item1},{kv.Key.Item2},{G(kv.Value)}")]);
        }

        static void WriteAtomic(string path, IEnumerable<string> lines)
        {
            string tmp = path + ".tmp";
            File.WriteAllLines(tmp, lines);
            File.Move(tmp, path, overwrite: true);
        }

        /// <summary>Each setting's held-out scores of all folds as one set, in the order the settings first ran.
        /// </summary>
        public List<SettingResult> Pooled() => _scores.Select(x => x.Score.Setting).Distinct().Select(name =>
            new SettingResult(new Setting(name, []), _scores.Where(x => x.Score.Setting == name)
                    .Select(x => x.Score).ToList(),
                _walls.Where(kv => kv.Key.Item2 == name).Sum(kv => kv.Value))).ToList();
    }
}
