using System.Globalization;
using System.Text.Json;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Model;
using Kgssl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Runs;

/// <summary>The pipeline on a run folder: prepare data, train, evaluate, embed. The CLI only calls these.</summary>
public static class Workflow
{
    static readonly JsonSerializerOptions Json = JsonFiles.Options;

    public sealed record Prepared(KgsslConfig Config, HydroDataset Data, BasinSplit Split, Normalizer Normalizer,
        FeatureStore Store);

    /// <summary>Loads data and, for a new run, draws the split and fits the normalizer (training basins and years
    /// only).</summary>
    /// <param name="resuming">Training goes on from a checkpoint: data that changed since the run began is
    /// refused.</param>
    public static Prepared Prepare(RunDirectory run, KgsslConfig config, IRunReporter reporter, bool useCache = true,
        bool resuming = false)
    {
        var loaded = DatasetLoader.Load(config.Data, useCache, progress: new Progress<double>(
            f => reporter.Progress("load data", f)));
        var data = loaded.Data;
        reporter.Info(
            $"data: {data.Basins.Count} basins, {data.DriverCount} drivers, {data.CharacteristicCount} " +
            $"characteristics " +
            $"({(loaded.FromCache ? "cache" : "parsed")}, {loaded.Elapsed.TotalSeconds:F1} s)");
        foreach (var note in data.Notes) reporter.Info("data: " + note);

        BasinSplit split;
        string splitPath = run.File(RunFiles.Split);
        if (File.Exists(splitPath))
            split = TrainedRun.ReadSplit(run);
        else
        {
            var withResponse = data.BasinsWithResponse();
            var without = data.BasinsWithoutResponse();
            if (without.Count > 0)
            {
                string note = $"{without.Count} basins have no observed streamflow and take no part in the split: " +
                    $"{string.Join(' ', without)}";
                reporter.Info("data: " + note);
                run.Log(note);
            }
            var d = config.Data;
            split = BasinSplit.Make(withResponse, config.Training.Seed, d.HeldoutFraction, d.Folds, d.Fold,
                d.ValidationFraction)
                with { WithoutStreamflow = without };
            File.WriteAllText(splitPath, JsonSerializer.Serialize(split, Json));
        }
        Normalizer norm;
        string normPath = run.File(RunFiles.Normalizer);
        if (File.Exists(normPath)) norm = Normalizer.Load(normPath);
        else
        {
            var d = config.Data;
            var (start, end) = d.Train();
            norm = Normalizer.Fit(data, split.Train, start, end, d.LogResponse);
            norm.Save(normPath);
        }
        reporter.Info(
            $"split: {split.Train.Count} training, {split.Validation.Count} validation, {split.Heldout.Count} " +
            $"held-out basins");
        RecordFingerprint(run, data, resuming, reporter);
        return new Prepared(config, data, split, norm, FeatureStore.FromConfig(data, norm, config.Data));
    }

    /// <summary>
    /// The data's fingerprint in run.json: written when the run begins and kept. Training that resumes on other data is
    /// refused (its epochs would mix two data sets); evaluating on changed data says so.
    /// </summary>
    static void RecordFingerprint(RunDirectory run, HydroDataset data, bool resuming, IRunReporter reporter)
    {
        string now = data.Fingerprint();
        var recorded = run.ReadRunInfo().GetValueOrDefault("data_fingerprint")?.GetString();
        if (recorded is null)
        {
            run.UpdateRunInfo(new Dictionary<string, object?> { ["data_fingerprint"] = now,
                ["basins"] = data.Basins.Count });
            return;
        }
        if (recorded == now) return;
        string message = $"the data changed since this run began (fingerprint {recorded} in run.json, now {now}; " +
            $"{data.Basins.Count} basins in {data.Root})";
        if (resuming) throw new ConfigException(
            $"{run.Path}: {message}: resuming would mix two data sets; start a new run");
        reporter.Info("warning: " + message);
        run.Log("warning: " + message);
    }

    public static List<EpochRecord> Train(RunDirectory run, Prepared p, bool resume, IRunReporter reporter,
        CancellationToken cancel = default)
    {
        var trainer = new Trainer(p.Config, p.Store, p.Split, run.Path, msg => { run.Log(msg); reporter.Info(msg); });
        var progress = new Progress<TrainProgress>(t => reporter.Progress("train",
            ((t.Epoch - 1) + t.Batch / (double)t.Batches) / t.Epochs,
            $"epoch {t.Epoch}/{t.Epochs} loss {t.Loss:F3} (L1 {t.L1:F3} L2 {t.L2:F3} L3 {t.L3:F3}) " +
                $"{t.AnchorsPerSecond:F0} win/s"));
        var (model, epochs) = trainer.Run(resume, progress, cancel);
        model.Dispose();
        run.UpdateRunInfo(new Dictionary<string, object?>
        {
            ["epochs_completed"] = epochs.Count,
            ["train_seconds"] = epochs.Sum(e => e.Seconds),
            ["anchor_windows_per_s"] = epochs.Count > 0 ? epochs.Sum(e => e.Anchors) / epochs.Sum(e => e.Seconds) : 0,
        });
        return epochs;
    }

    public static KgsslModel LoadModel(RunDirectory run, Prepared p, Device device)
    {
        var model = new KgsslModel(p.Config.Model, p.Data.DriverCount, p.Data.CharacteristicCount,
            KgsslModel.PhysicsFor(p.Config.Model, p.Normalizer, p.Data.DriverNames), p.Store.Channels);
        Checkpoint.LoadWeights(run.Path, Checkpoint.Exists(run.Path, "best") ? "best" : "last", model);
        model.to(device.type, device.index);
        return model;
    }

    public static (DateOnly Start, DateOnly End) Period(KgsslConfig c, string period) => period switch
    {
        "train" => c.Data.Train(),
        "test" => c.Data.Test(),
        _ => throw new ConfigException($"--period: expected train or test, got '{period}'"),
    };

    /// <param name="DecoderRows">The hbv decoder's parameters scored like the head (empty for other decoders).</param>
    /// <param name="PhysicsEmulatorMedianNse">F run with the head's parameters (synthetic HBV ensembles; NaN
    /// elsewhere).</param>
    public sealed record EvaluationResult(List<RecoveryRow> Rows, DistanceSummary Distances, double EmulatorMedianNse,
        int EmulatorBasins,
        List<RecoveryRow> DecoderRows, double PhysicsEmulatorMedianNse);

    /// <summary>
    /// Embeds every basin over the period and writes characteristics.csv, predictions.csv, embeddings.csv,
    /// distances.csv, distances_summary.json and emulator.csv (the decoder as an emulator of F).
    /// </summary>
    /// <summary>Most basins whose pairs distances.csv lists (held-out basins first).</summary>
    public const int MaxDistanceBasins = 1000;

    public static EvaluationResult Evaluate(RunDirectory run, Prepared p, string period, IRunReporter reporter)
    {
        var c = p.Config;
        var device = TorchSetup.Configure(c.Training);
        using var model = LoadModel(run, p, device);
        var (start, end) = Period(c, period);
        var train = c.Evaluation.MaxTrainBasins > 0 && p.Split.Train.Count > c.Evaluation.MaxTrainBasins
            ? p.Split.Train.Order(StringComparer.Ordinal).Take(c.Evaluation.MaxTrainBasins).ToList() : p.Split.Train;
        var sets = train.Select(id => (id, set: "train"))
            .Concat(p.Split.Validation.Select(id => (id, set: "validation")))
            .Concat(p.Split.Heldout.Select(id => (id, set: "heldout"))).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var emb = Embedder.Embed(model, p.Store, sets.Select(s => s.id), start, end, c.Data.WindowDays, c.Data.Stride,
            device);
        double embedSeconds = clock.Elapsed.TotalSeconds;
        var byId = emb.ToDictionary(e => e.Id);

        var pure = PureEstimator(p, byId, train);
        var rows = ScorePredictions(run, p, sets, period, pure, "");
        if (c.Evaluation.Analogs > 0) ScorePredictions(run, p, sets, period, id => PureEstimate(p, byId[id]), "_head");
        var decoderRows = model.Decoder is HbvDecoder hbv ? ScoreDecoderParameters(run, p, hbv, sets, byId, period,
            device) : [];
        if (c.Evaluation.Knowledge) EvaluateKnowledge(run, p, sets, pure, (start, end), period, reporter);
        WriteEmbeddings(run.File(RunFiles.Embeddings), emb,
            sets.ToDictionary(s => s.id, s => s.set), p);

        double distanceStart = clock.Elapsed.TotalSeconds;
        var summary = WriteDistances(run, p, emb);
        double emulatorStart = clock.Elapsed.TotalSeconds;
        var (medianNse, emulated, physicsNse) = model.Emulator is not null ? Emulate(run, p, model, device, reporter)
            : (double.NaN, 0, double.NaN);
        run.Log($"evaluate {period}: {rows.Count} rows, mantel r {summary.MantelR:F3}, emulator median NSE " +
            $"{medianNse:F3} on {emulated} basins, physics emulator (F with the head's parameters) {physicsNse:F3} " +
            $"(embedding {embedSeconds:F1} s, tables {distanceStart - embedSeconds:F1} s, distances " +
            $"{emulatorStart - distanceStart:F1} s, emulator {clock.Elapsed.TotalSeconds - emulatorStart:F1} s)");
        return new EvaluationResult(rows, summary, medianNse, emulated, decoderRows, physicsNse);
    }

    /// <summary>Distances between every embedded basin in the embedding and in the z-scored characteristics:
    /// their agreement (distances_summary.json) and the pairs of up to MaxDistanceBasins basins
    /// (distances.csv).</summary>
    static DistanceSummary WriteDistances(RunDirectory run, Prepared p, IReadOnlyList<BasinEmbedding> emb)
    {
        var c = p.Config;
        var used = emb.Where(e => e.Windows > 0).ToList();
        var dz = Distances.Euclidean(used.Select(e => e.Mean).ToList());
        var dc = Distances.Euclidean(used.Select(e => p.Data.Basin(e.Id).Characteristics.Select(
            (v, k) => p.Normalizer.NormalizeCharacteristic(k, v)).ToArray()).ToList());
        var summary = Distances.Compare(dz, dc, c.Evaluation.MantelPermutations, c.Training.Seed);
        // the pairs file holds at most MaxDistanceBasins basins (held-out ones first): the demo's 3680 basins would be
        // 6.8 million lines (310 MB) that nobody reads; the summary above is over every basin
        var held = p.Split.Heldout.ToHashSet();
        var listed = Enumerable.Range(0, used.Count).OrderBy(i => held.Contains(used[i].Id) ? 0 : 1).ThenBy(i => i)
            .Take(MaxDistanceBasins).Order().ToArray();
        using (var w = new StreamWriter(run.File(RunFiles.Distances)))
        {
            w.WriteLine("basin_a,basin_b,d_embedding,d_characteristics");
            for (int a = 0; a < listed.Length; a++)
                for (int b2 = a + 1; b2 < listed.Length; b2++)
                {
                    int i = listed[a], j = listed[b2];
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{used[i].Id},{used[j].Id},{dz[i, j]:G6},{dc[i, j]:G6}"));
                }
        }
        File.WriteAllText(run.File(RunFiles.DistancesSummary), JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["mantel_r"] = summary.MantelR, ["mantel_p"] = summary.MantelP, ["row_r_mean"] = summary.RowRMean,
            ["row_r_std"] = summary.RowRStd, ["row_r_median"] = summary.RowRMedian, ["basins"] = summary.Basins,
            ["permutations"] = summary.Permutations,
            ["basins_in_distances_csv"] = listed.Length,
        }, Json) + "\n");

        return summary;
    }

    /// <summary>
    /// The pure inverse of each embedded basin in its characteristics' units (null: no embedding): the head's estimate,
    /// averaged with its analogs' when evaluation.analogs is on. The analogs are the <paramref name="pool"/> basins
    /// (the training basins) embedded over the same period; a basin is never its own analog.
    /// </summary>
    public static Func<string, double[]?> PureEstimator(Prepared p, IReadOnlyDictionary<string, BasinEmbedding> emb,
        IEnumerable<string> pool)
    {
        var c = p.Config.Evaluation;
        if (c.Analogs == 0) return id => PureEstimate(p, emb[id]);
        var lenders = pool.Where(id => emb.TryGetValue(id, out var e) && e.Windows > 0).ToList();
        var analogs = new Analogs(lenders, lenders.Select(id => emb[id].PredictedZ).ToList(),
            lenders.Select(id => p.Data.Basin(id).Characteristics).ToList(), c.Analogs, c.AnalogPower);
        return id => PureEstimate(p, emb[id]) is { } head ? analogs.Correct(head, emb[id].PredictedZ, id) : null;
    }

    /// <summary>The head's estimate of a basin's characteristics in their own units; null for a basin without an
    /// embedding.</summary>
    static double[]? PureEstimate(Prepared p, BasinEmbedding e) =>
        e.Windows > 0 ? e.PredictedZ.Select((z, k) => p.Normalizer.DenormalizeCharacteristic(k, z)).ToArray() : null;

    /// <summary>
    /// Scores predicted characteristics (the characteristics' units, null = none for that basin) per basin set and
    /// writes characteristics{suffix}.csv and predictions{suffix}.csv. <paramref name="scored"/> limits the scored
    /// characteristics (the others are given as known); null = all.
    /// </summary>
    static List<RecoveryRow> ScorePredictions(RunDirectory run, Prepared p,
        IReadOnlyList<(string id, string set)> sets, string period,
        Func<string, double[]?> estimate, string suffix, IReadOnlyList<int>? scored = null)
    {
        var names = p.Data.CharacteristicNames;
        var columns = scored ?? Enumerable.Range(0, names.Count).ToList();
        var rows = new List<RecoveryRow>();
        var predTable = new List<(string Id, string Set, double[] Pred, double[] Truth)>();
        foreach (var group in sets.GroupBy(s => s.set))
        {
            var ok = group.Where(s => estimate(s.id) is not null).ToList();
            var predicted = ok.Select(s => estimate(s.id)!).ToList();
            var truth = ok.Select(s => p.Data.Basin(s.id).Characteristics).ToList();
            if (ok.Count >= 2)
                rows.AddRange(CharacteristicRecovery.Score(columns.Select(k => names[k]).ToList(), group.Key, period,
                    predicted.Select(r => columns.Select(k => r[k]).ToArray()).ToList(),
                        truth.Select(r => columns.Select(k => r[k]).ToArray()).ToList(),
                    columns.Select(k => p.Normalizer.CharacteristicStd[k]).ToList()));
            for (int i = 0; i < ok.Count; i++) predTable.Add((ok[i].id, group.Key, predicted[i], truth[i]));
        }
        File.WriteAllText(run.File($"characteristics{suffix}.csv"), CharacteristicRecovery.ToCsv(rows));
        var table = new NumericTable(["basin", "basin_set"], predTable.Select(r => new[] { r.Id, r.Set }).ToList(),
            [.. names.Select(n => "pred_" + n), .. names.Select(n => "true_" + n)],
            predTable.Select(r => r.Pred.Concat(r.Truth).ToArray()).ToList());
        table.WriteCsv(run.File($"predictions{suffix}.csv"));
        return rows;
    }

    /// <summary>The characteristics named in evaluation.known (or --known), as indices; unknown names are
    /// errors.</summary>
    public static List<int> KnownIndices(IReadOnlyList<string> names, IEnumerable<string> known, string source)
    {
        var result = new List<int>();
        foreach (var name in known)
        {
            int k = names.ToList().IndexOf(name);
            if (k < 0) throw new ConfigException(
                $"{source}: '{name}' is not a characteristic of this run (expected one of {string.Join(", ", names)})");
            if (!result.Contains(k)) result.Add(k);
        }
        return result;
    }

    /// <summary>
    /// The knowledge-guided estimate with nothing known but the gauges' locations (characteristics_knowledge.csv,
    /// predictions_knowledge.csv) and, when evaluation.known names some, the others with those known
    /// (characteristics_imputed.csv over the others only, predictions_imputed.csv). The training and validation basins
    /// lend their characteristics to the held-out basins; a validation basin is estimated from the training basins
    /// alone, so its score is as honest as a held-out one (choices made on it are not flattered by a ridge fitted on
    /// itself); held-out basins lend nothing.
    /// </summary>
    static void EvaluateKnowledge(RunDirectory run, Prepared p, IReadOnlyList<(string id, string set)> sets,
        Func<string, double[]?> pure, (DateOnly Start, DateOnly End) period, string periodName, IRunReporter reporter)
    {
        var c = p.Config;
        var known = KnownIndices(p.Data.CharacteristicNames, c.Evaluation.Known, "evaluation.known");
        var setup = new KnowledgeGuided.Setup(p.Data, [.. p.Split.Train, .. p.Split.Validation], Period(c, "train"),
            period,
            c.Evaluation.KnowledgeNeighbours, [], c.Evaluation.KnowledgePower, c.Evaluation.KnowledgeWeights);
        var plain = EstimateBySet(setup, p.Split, sets, pure);
        var rows = ScorePredictions(run, p, sets, periodName, plain.GetValueOrDefault, "_knowledge");
        reporter.Info($"knowledge-guided estimate: {Summary(rows, "heldout")}");
        if (known.Count == 0) return;
        var imputed = EstimateBySet(setup with { Known = known }, p.Split, sets, pure);
        var others = Enumerable.Range(0, p.Data.CharacteristicCount).Where(k => !known.Contains(k)).ToList();
        var imputedRows = ScorePredictions(run, p, sets, periodName, imputed.GetValueOrDefault, "_imputed", others);
        reporter.Info(
            $"imputed from {string.Join(", ", known.Select(k => p.Data.CharacteristicNames[k]))}: " +
            Summary(imputedRows, "heldout"));
    }

    /// <summary>The knowledge-guided estimate of each basin of <paramref name="sets"/>: validation basins from a pool
    /// of the training basins only, the others from the setup's pool.</summary>
    internal static Dictionary<string, double[]> EstimateBySet(KnowledgeGuided.Setup setup, BasinSplit split,
        IReadOnlyList<(string id, string set)> sets, Func<string, double[]?> pure)
    {
        var validation = split.Validation.ToHashSet(StringComparer.Ordinal);
        var result = KnowledgeGuided.Estimate(setup, sets.Select(s => s.id).Where(id => !validation.Contains(id))
            .ToList(), pure);
        var own = sets.Select(s => s.id).Where(validation.Contains).ToList();
        if (own.Count == 0) return result;
        foreach (var (id, estimate) in KnowledgeGuided.Estimate(setup with { Pool = split.Train }, own, pure))
            result[id] = estimate;
        return result;
    }

    /// <summary>
    /// The knowledge-guided estimate of the <paramref name="targets"/> (kgssl embed --knowledge / --known), original
    /// units. The run's training and validation basins lend their characteristics and fit the ridge:
    /// <paramref name="p"/>'s data must hold them (with their training years) besides the targets, and with analogs on,
    /// <paramref name="emb"/> holds the training basins' embeddings over the targets' period too. Known characteristics
    /// must have a value for every target.
    /// </summary>
    public static Dictionary<string, double[]> KnowledgeEstimates(Prepared p, IReadOnlyList<BasinEmbedding> emb,
        IReadOnlyList<string> targets, (DateOnly Start, DateOnly End) period, IEnumerable<string> known)
    {
        var names = p.Data.CharacteristicNames;
        var knownIndices = KnownIndices(names, known, "--known");
        var present = p.Data.Basins.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var pool = p.Split.Train.Concat(p.Split.Validation).Where(present.Contains).ToList();
        if (pool.Count == 0)
            throw new ConfigException(
                "the knowledge-guided estimate needs the run's training basins (they lend their " +
                $"characteristics); none is in {p.Data.Root}");
        var e = p.Config.Evaluation;
        var setup = new KnowledgeGuided.Setup(p.Data, pool, Period(p.Config, "train"), period, e.KnowledgeNeighbours,
            knownIndices, e.KnowledgePower, e.KnowledgeWeights);
        return KnowledgeGuided.Estimate(setup, targets, PureEstimator(p, emb.ToDictionary(x => x.Id), p.Split.Train));
    }

    static string Summary(IEnumerable<RecoveryRow> rows, string set)
    {
        var (a8, a9, mean, _, n) = CharacteristicRecovery.Summary(rows.Where(r => r.BasinSet == set));
        return n == 0 ? $"no {set} basins" : $"{set} mean r {mean:F3}, {a8}/{n} above 0.8, {a9}/{n} above 0.9";
    }

    /// <summary>
    /// The hbv decoder's own parameters (from each basin's mean embedding) scored against the truth on the run's
    /// scale of each parameter (K2 or log10(K2)): characteristics_decoder.csv. Parameters the run does not name are
    /// skipped.
    /// </summary>
    static List<RecoveryRow> ScoreDecoderParameters(RunDirectory run, Prepared p, HbvDecoder hbv,
        IReadOnlyList<(string id, string set)> sets, IReadOnlyDictionary<string, BasinEmbedding> byId, string period,
            Device device)
    {
        var columns = Kgssl.Hydrology.HbvColumns.Parameters(p.Data.CharacteristicNames);
        var rows = new List<RecoveryRow>();
        if (columns.Count == 0) return rows;
        using var noGrad = no_grad();
        foreach (var group in sets.GroupBy(s => s.set))
        {
            var ok = group.Where(s => byId[s.id].Windows > 0).ToList();
            if (ok.Count < 2) continue;
            using var scope = NewDisposeScope();
            var z = tensor(ok.SelectMany(s => byId[s.id].Mean.Select(v => (float)v)).ToArray(),
                [ok.Count, byId[ok[0].id].Mean.Length]).to(device);
            var theta = hbv.Parameters(z).cpu().data<float>().ToArray();
            int np = Kgssl.Hydrology.HbvParameters.Ranges.Count;
            var predicted = ok.Select((s, i) => columns.Select(x => x.ToScale(theta[i * np + x.Parameter])).ToArray())
                .ToList();
            var truth = ok.Select(s => columns.Select(x => p.Data.Basin(s.id).Characteristics[x.Index]).ToArray())
                .ToList();
            rows.AddRange(CharacteristicRecovery.Score(columns.Select(x => x.Name).ToList(), group.Key, period,
                predicted, truth,
                columns.Select(x => p.Normalizer.CharacteristicStd[x.Index]).ToList()));
        }
        File.WriteAllText(run.File(RunFiles.CharacteristicsOf("decoder")), CharacteristicRecovery.ToCsv(rows));
        return rows;
    }

    /// <summary>
    /// The forward decoder as an emulator of F: each basin's embedding comes from its TRAINING-period windows,
    /// then the decoder predicts the test-period response from the test drivers alone. NSE per basin in mm/day.
    /// Held-out basins when there are any, else training basins.
    /// </summary>
    static (double MedianNse, int Basins, double PhysicsMedianNse) Emulate(RunDirectory run, Prepared p,
        KgsslModel model, Device device, IRunReporter reporter)
    {
        var c = p.Config;
        var ids = p.Split.Heldout.Count > 0 ? p.Split.Heldout : p.Split.Train;
        string set = p.Split.Heldout.Count > 0 ? "heldout" : "train";
        var (trStart, trEnd) = Period(c, "train");
        var (teStart, teEnd) = Period(c, "test");
        var emb = Embedder.Embed(model, p.Store, ids, trStart, trEnd, c.Data.WindowDays, c.Data.Stride, device)
            .ToDictionary(e => e.Id);
        var decoder = model.Emulator!;
        var lines = new List<string> { "basin,basin_set,nse,kge,days,nse_physics,kge_physics" };
        var nses = new List<double>();
        // evaluation.emulator_spinup_days of spin-up from the days before the test period when available
        var jobs = HydrographScorer.Jobs(p.Store, ids.Where(id => emb[id].Windows > 0).Select(id => (id, emb[id].Mean)),
            teStart, teEnd, c.Evaluation.EmulatorSpinupDays);
        var scored = HydrographScorer.Run(p.Store, p.Normalizer, decoder.forward, jobs, device);
        var physics = PhysicsEmulation(p, jobs.Select(j => (j.Id, j.Basin, j.From, j.To)).ToList(), emb);
        var physicsNses = new List<double>();
        foreach (var x in scored)
        {
            var (pNse, pKge) = physics?[x.Job.Id] ?? (double.NaN, double.NaN);
            nses.Add(x.Nse);
            physicsNses.Add(pNse);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{x.Job.Id},{set},{x.Nse:G6},{x.Kge:G6},{x.Sim.Length},{pNse:G6},{pKge:G6}"));
        }
        File.WriteAllLines(run.File(RunFiles.Emulator), lines);
        WriteHydrographs(run.File(RunFiles.Hydrographs), set, scored);
        double median = Metrics.Median(nses);
        int finite = nses.Count(double.IsFinite);
        reporter.Info(
            $"emulator: median NSE {median:F3} over {finite} {set} basins (embedding from training years, prediction " +
            $"of test years)");
        double physicsMedian = physics is null ? double.NaN : Metrics.Median(physicsNses);
        if (physics is not null)
            reporter.Info(
                $"physics emulator (F run with the head's parameters from the same embeddings): median NSE " +
                $"{physicsMedian:F3} over {physicsNses.Count(double.IsFinite)} {set} basins");
        return (median, finite, physicsMedian);
    }

    /// <summary>
    /// hydrographs.csv: the observed and emulated flows (mm/day) of three basins, the best, the median and the worst by
    /// NSE, so that a reader sees what a score means.
    /// </summary>
    static void WriteHydrographs(string path, string set, IReadOnlyList<HydrographScorer.Scored> scored)
    {
        var ranked = scored.Where(x => double.IsFinite(x.Nse)).OrderByDescending(x => x.Nse).ToList();
        using var w = new StreamWriter(path);
        w.WriteLine("basin,basin_set,rank,nse,date,observed,simulated");
        if (ranked.Count == 0) return;
        foreach (var (rank, x) in new[] { ("best", ranked[0]), ("median", ranked[ranked.Count / 2]),
            ("worst", ranked[^1]) }.DistinctBy(r => r.Item2.Job.Id))
            for (int t = 0; t < x.Dates.Length; t++)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{x.Job.Id},{set},{rank},{x.Nse:G6},{x.Dates[t]:yyyy-MM-dd},{x.Obs[t]:G6},{x.Sim[t]:G6}"));
    }

    /// <summary>
    /// The physics emulator of a synthetic HBV ensemble: F itself run with the parameters the head predicts from each
    /// basin's training-period embedding (clamped into their ranges), with the generator's spin-up, scored on the test
    /// days like the decoder. It measures whether the inverse's parameters reproduce the hydrograph (equifinal sets
    /// count as right). Null when the data lack an HBV parameter or driver.
    /// </summary>
    static Dictionary<string, (double Nse, double Kge)>? PhysicsEmulation(Prepared p,
        IReadOnlyList<(string Id, int Basin, int From, int To)> jobs,
        IReadOnlyDictionary<string, BasinEmbedding> emb)
    {
        var data = p.Data;
        var columns = Kgssl.Hydrology.HbvColumns.Parameters(data.CharacteristicNames);
        var driver = Kgssl.Hydrology.HbvColumns.TryDriverIndices(data.DriverNames);
        if (columns.Count != Kgssl.Hydrology.HbvParameters.Ranges.Count || driver is null) return null;
        var scores = new (double Nse, double Kge)[jobs.Count];
        Parallelism.For(jobs.Count, i =>
        {
            var job = jobs[i];
            var predicted = emb[job.Id].PredictedZ.Select((z, k) => p.Normalizer.DenormalizeCharacteristic(k, z))
                .ToArray();
            var theta = Kgssl.Hydrology.HbvColumns.ToParameters(columns, predicted);
            if (theta is null) { scores[i] = (double.NaN, double.NaN); return; }
            var basin = p.Store.Basins[job.Basin];
            var record = Kgssl.Hydrology.HbvRecord.Of(basin, data.DriverCount, driver);
            var q = record.Simulate(theta);
            int days = job.To - job.From;
            var sim = new double[days]; var obs = new double[days];
            for (int t = 0; t < days; t++) { sim[t] = q[record.IndexOf(job.From + t)];
                obs[t] = basin.Response[job.From + t]; }
            scores[i] = (Metrics.Nse(sim, obs), Metrics.Kge(sim, obs));
        });
        return jobs.Select((j, i) => (j.Id, scores[i])).ToDictionary(x => x.Id, x => x.Item2);
    }

    public static void WriteEmbeddings(string csvPath, IReadOnlyList<BasinEmbedding> emb,
        IReadOnlyDictionary<string, string>? sets, Prepared p)
    {
        var names = p.Data.CharacteristicNames;
        int e = emb.FirstOrDefault(x => x.Windows > 0)?.Mean.Length ?? p.Config.Model.Embedding;
        var numberColumns = new List<string> { "windows", "days" };
        numberColumns.AddRange(Enumerable.Range(0, e).Select(i => $"z{i}"));
        numberColumns.AddRange(Enumerable.Range(0, e).Select(i => $"z{i}_sd"));
        numberColumns.AddRange(names.Select(n => $"pred_{n}"));
        numberColumns.AddRange(names.Select(n => $"pred_{n}_sd"));
        var text = new List<string[]>();
        var numbers = new List<double[]>();
        foreach (var x in emb)
        {
            text.Add([x.Id, sets?.GetValueOrDefault(x.Id) ?? "", x.Note]);
            var row = new List<double> { x.Windows, x.Days };
            if (x.Windows > 0)
            {
                row.AddRange(x.Mean); row.AddRange(x.Spread);
                row.AddRange(x.PredictedZ.Select((z, k) => p.Normalizer.DenormalizeCharacteristic(k, z)));
                row.AddRange(x.PredictedSpreadZ.Select((s, k) => s * p.Normalizer.CharacteristicStd[k]));
            }
            else row.AddRange(Enumerable.Repeat(double.NaN, 2 * e + 2 * names.Count));
            numbers.Add(row.ToArray());
        }
        var table = new NumericTable(["basin", "basin_set", "note"], text, numberColumns, numbers);
        table.WriteCsv(csvPath);
    }
}
