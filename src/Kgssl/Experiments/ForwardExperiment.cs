using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Model;
using Kgssl.Runs;
using Kgssl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Kind = Kgssl.Config.Choices.Statics;

namespace Kgssl.Experiments;

/// <summary>
/// Does a streamflow model fed the KGSSL embedding stay good where one fed noisy catalogued
/// characteristics fails? Every setting trains the same forward model (EA-LSTM or LSTM) on every gauged
/// basin's training period, with different static inputs, and scores NSE/KGE on the test period.
/// Trade-off of the defaults: sequence-to-sequence windows (the first warmup_days unscored) instead of the
/// paper's sequence-to-one, a few windows per basin per epoch, hidden 32, 12 epochs: minutes per setting on 2 cores.
/// </summary>
public static partial class ForwardExperiment
{
    public sealed record Setting(string Name, double[][] Statics, double Std = double.NaN,
        double Fraction = double.NaN, int Months = -1);

    public sealed record BasinScore(string Setting, string Basin, double Nse, double Kge);

    public sealed record SettingResult(Setting Setting, List<BasinScore> Scores, double WallSeconds)
    {
        public double MedianNse => Metrics.Median(Scores.Select(s => s.Nse));
        public double MedianKge => Metrics.Median(Scores.Select(s => s.Kge));
        public double MeanNse => Scores.Select(s => s.Nse).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
    }

    /// <summary>
    /// Every gauged basin trains on its training years and is scored on its test years, once per setting asked
    /// for; the tables are rewritten after each setting, so that a long table shows its finished settings.
    /// </summary>
    public static List<SettingResult> Gauged(KgsslConfig c, Workflow.Prepared p, IReadOnlyList<string> basins,
        string which, string? embeddingRun, Device device, RunDirectory run, IRunReporter reporter)
    {
        var embedding = embeddingRun is null ? null : Embeddings(() => embeddingRun, c, p.Data, basins);
        var list = new List<SettingResult>();
        var curve = new List<CurvePoint>();
        foreach (var setting in Settings(c, p, basins, which, embedding))
        {
            var r = Run(c, p.Store, basins, setting, p.Normalizer, device,
                new Progress<double>(x => reporter.Progress("forward " + setting.Name, x)), curve);
            list.Add(r);
            Write(run.Path, list, curve);
            string message = $"{setting.Name}: median NSE {r.MedianNse:F3}, mean {r.MeanNse:F3}, " +
                $"{r.Scores.Count(x => !(x.Nse > 0))} basins NSE <= 0, {r.WallSeconds:F0} s";
            run.Log(message);
            reporter.Info(message);
        }
        return list;
    }

    /// <summary>Builds the settings asked for: true, none, neighbours, random, corrupted grid, embedding (all and
    /// limited months), each with a row of statics per basin.</summary>
    /// <param name="fold">The ungauged protocol's fold (<paramref name="basins"/> are its basins): only its training
    /// basins lend to the neighbours estimate, the random numbers are drawn per fold, and there is no corrupted
    /// setting. Null: every basin is gauged and lends to the others.</param>
    public static List<Setting> Settings(KgsslConfig c, Workflow.Prepared p, IReadOnlyList<string> basins,
        string which, Func<int, double[][]>? embedding, Fold? fold = null) =>
        Planned(c, p, basins, which, embedding, fold).Select(x => x.Build()).ToList();

    /// <summary>The settings <see cref="Settings"/> builds, by name, each built only when asked (an embedding opens
    /// its KGSSL run).</summary>
    static List<(string Name, Func<Setting> Build)> Planned(KgsslConfig c, Workflow.Prepared p,
        IReadOnlyList<string> basins, string which, Func<int, double[][]>? embedding, Fold? fold)
    {
        if (fold is not null && which == Kind.Corrupted)
            throw new ConfigException("--statics corrupted: the ungauged protocol has no corrupted setting");
        var trueZ = new Lazy<List<double[]>>(() =>
            basins.Select(id => ZScored(p.Normalizer, p.Data.Basin(id).Characteristics)).ToList());
        var list = new List<(string, Func<Setting>)>();
        void Add(string name, Func<Setting> build) => list.Add((name, build));
        bool all = which == Kind.Every;
        if (all || which == Kind.True) Add(Kind.True, () => new Setting(Kind.True, trueZ.Value.ToArray()));
        if (all || which == Kind.None)
            Add(Kind.None, () => new Setting(Kind.None, basins.Select(_ => Array.Empty<double>()).ToArray()));
        if (all || which == Kind.Neighbours)
            Add(Kind.Neighbours, () => new Setting(Kind.Neighbours, Neighbours(c, p, basins, fold?.Train ?? basins)));
        int randomSeed = fold is null ? c.Training.Seed + 17 : Seeds.Mix(c.Training.Seed + 17, fold.Index, 0);
        if (all || which == Kind.Random)
            Add(Kind.Random, () => new Setting(Kind.Random, StaticsCorruption.Random(basins.Count,
                p.Data.CharacteristicCount, randomSeed)));
        if ((all && fold is null) || which == Kind.Corrupted)
            foreach (var f in c.Forward.CorruptionFractions)
                foreach (var s in c.Forward.CorruptionStds)
                {
                    string name = string.Create(CultureInfo.InvariantCulture, $"corrupted_s{s}_f{f}");
                    Add(name, () => new Setting(name, StaticsCorruption.Apply(trueZ.Value, s, f,
                        c.Training.Seed + 31).Statics, s, f));
                }
        if ((all || which == Kind.Embedding) && embedding is not null)
            foreach (var months in c.Forward.EmbeddingMonths)
                Add(EmbeddingName(months), () => new Setting(EmbeddingName(months), embedding(months),
                    Months: months));
        if (list.Count == 0) throw new ConfigException($"--statics {which}: nothing to run (embedding needs " +
            (fold is null ? "forward.embedding_run or --embedding-run)" : "--embedding-run <crossval run>)"));
        return list;
    }

    /// <summary>The embedding setting's name: "embedding" from all the training years, else "embedding_{k}m".
    /// </summary>
    static string EmbeddingName(int months) => months == 0 ? Kind.Embedding : $"{Kind.Embedding}_{months}m";

    /// <summary>
    /// The characteristics a hydrologist would give a basin from its neighbours alone: the inverse-distance mean of the
    /// nearest of the <paramref name="lenders"/>' gauges (evaluation.knowledge_neighbours, knowledge_power; a basin
    /// never lends to itself), z-scored as the true statics.
    /// </summary>
    static double[][] Neighbours(KgsslConfig c, Workflow.Prepared p, IReadOnlyList<string> basins,
        IReadOnlyList<string> lenders)
    {
        var near = NearestGauges.Of(lenders.Select(p.Data.Basin).ToList(), c.Evaluation.KnowledgeNeighbours,
            c.Evaluation.KnowledgePower);
        return basins.Select(id => ZScored(p.Normalizer, near.Estimate(p.Data.Basin(id)))).ToArray();
    }

    /// <summary>Characteristics as the model's statics: z-scored with the training basins' normalizer, an unknown
    /// one at the mean (0).</summary>
    static double[] ZScored(Normalizer norm, double[] values) =>
        values.Select((v, k) => double.IsFinite(v) ? norm.NormalizeCharacteristic(k, v) : 0).ToArray();

    /// <summary>
    /// The embedding settings' statics from a KGSSL run: for each of forward.embedding_months, each basin's embedding
    /// from TRAINING-period windows only (the first that many months of it when &gt; 0), z-scored per dimension
    /// across basins. The run is opened once, on the first call, for all of them.
    /// </summary>
    /// <param name="scaleRows">The first this many basins give the z-scores' mean and sd (0 = all of them): the
    /// training basins only, where the others stand for basins the streamflow model never saw.</param>
    public static Func<int, double[][]> Embeddings(Func<string> runDir, KgsslConfig c, HydroDataset data,
        IReadOnlyList<string> basins, int scaleRows = 0)
    {
        var all = new Lazy<Dictionary<int, double[][]>>(() =>
        {
            using var trained = TrainedRun.Open(RunDirectory.Open(runDir()), data: data);
            return c.Forward.EmbeddingMonths.Distinct().ToDictionary(m => m, m => Embed(trained, c, basins, m,
                scaleRows));
        });
        return months => all.Value[months];
    }

    static double[][] Embed(TrainedRun trained, KgsslConfig c, IReadOnlyList<string> basins, int months,
        int scaleRows)
    {
        var (rc, store, model, device) = (trained.Prepared.Config, trained.Prepared.Store, trained.Model,
            trained.Device);
        var (start, trainEnd) = c.Data.Train();
        var end = months > 0 ? start.AddMonths(months).AddDays(-1) : trainEnd;
        var emb = Embedder.Embed(model, store, basins, start, end, rc.Data.WindowDays, rc.Data.Stride, device);
        var z = emb.Select(e => e.Windows > 0 ? e.Mean : new double[rc.Model.Embedding]).ToArray();
        var (mean, std) = Ridge.Scale(scaleRows > 0 ? z[..scaleRows] : z, z[0].Length);
        return z.Select(r => Ridge.Standardize(r, mean, std)).ToArray();
    }

    /// <summary>One point of a setting's learning curve: the scoring period's median NSE after an epoch.</summary>
    public sealed record CurvePoint(string Setting, int Epoch, double TrainMinutes, double MedianNse);

    /// <summary>
    /// Trains the forward model on the training period with the setting's statics and scores every basin on
    /// the test period; with <c>forward.curve_every</c> &gt; 0 the test period is also scored every that many
    /// epochs (for the curve only: nothing is chosen on it). Training minutes exclude the curve's scoring. With
    /// <c>forward.members</c> &gt; 1 the members train one after the other and their predictions are averaged; with
    /// curve_every &gt; 0 the curve then has one point per member (the ensemble of the members trained so far), else
    /// the final point alone.
    /// </summary>
    /// <param name="heldout">The last this many basins (and rows of the setting's statics) are basins the model
    /// never trains on: only they are scored. 0: every basin trains and is scored.</param>
    public static SettingResult Run(KgsslConfig c, FeatureStore store, IReadOnlyList<string> basins, Setting setting,
        Normalizer norm, Device device, IProgress<double>? progress = null, List<CurvePoint>? curve = null,
        int heldout = 0)
    {
        if (heldout < 0 || heldout >= basins.Count)
            throw new ArgumentOutOfRangeException(nameof(heldout), $"{heldout} of {basins.Count} basins");
        int[] all = basins.Select(store.IndexOf).ToArray();
        int[] idx = all[..^heldout];
        int[] scored = heldout > 0 ? all[^heldout..] : all;
        var scoredStatics = heldout > 0 ? setting.Statics[^heldout..] : setting.Statics;
        var f = c.Forward;
        var clock = Stopwatch.StartNew();
        var training = new Stopwatch();
        var (trS, trE) = Workflow.Period(c, "train");
        var ranges = idx.Select(b => store.Basins[b].PeriodRange(trS, trE)).ToArray();
        var weight = LossWeights(f, store, norm, idx, ranges);
        var members = new List<ForwardModel>();
        List<BasinScore> ScoreMembers() => Score(c, members, store, scored, setting.Name, scoredStatics, norm, device);
        try
        {
            for (int m = 0; m < f.Members; m++)
            {
                int done = m * (f.Epochs + 1);
                members.Add(TrainMember(c, MemberSeed(c.Training.Seed, m), store, idx, ranges, weight, setting,
                    device, training, (epoch, model) =>
                    {
                        if (curve is not null && f.Members == 1 && f.CurveEvery > 0 && epoch % f.CurveEvery == 0
                            && epoch < f.Epochs)
                            curve.Add(new CurvePoint(setting.Name, epoch, training.Elapsed.TotalMinutes,
                                Metrics.Median(Score(c, [model], store, scored, setting.Name, scoredStatics, norm,
                                    device).Select(x => x.Nse))));
                        progress?.Report((done + epoch) / (double)(f.Members * (f.Epochs + 1)));
                    }));
                if (curve is not null && m < f.Members - 1 && f.CurveEvery > 0)
                    curve.Add(new CurvePoint(setting.Name, (m + 1) * f.Epochs, training.Elapsed.TotalMinutes,
                        Metrics.Median(ScoreMembers().Select(x => x.Nse))));
            }
            var scores = ScoreMembers();
            curve?.Add(new CurvePoint(setting.Name, f.Members * f.Epochs, training.Elapsed.TotalMinutes,
                Metrics.Median(scores.Select(x => x.Nse))));
            progress?.Report(1);
            return new SettingResult(setting, scores, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var model in members) model.Dispose();
        }
    }

    /// <summary>Member 0 takes the run's seed itself, so that one member is the single model of that seed.</summary>
    public static int MemberSeed(int seed, int member) => member == 0 ? seed : Seeds.Mix(seed, member, 0xe5);

    /// <summary>One streamflow model trained on the training basins' training years; <paramref name="afterEpoch"/>
    /// sees it after each epoch.</summary>
    static ForwardModel TrainMember(KgsslConfig c, int seed, FeatureStore store, int[] idx,
        (int From, int To)[] ranges, double[] weight, Setting setting, Device device, Stopwatch training,
        Action<int, ForwardModel> afterEpoch)
    {
        var f = c.Forward;
        torch.manual_seed(seed);
        int s = setting.Statics[0].Length;
        var model = ForwardModel.Create(f.Model, store.DriverCount, s, f.Hidden, f.Dropout);
        try
        {
            model.to(device);
            using var opt = new Adam(model.parameters(), f.LearningRate);
            var batch = new Batch(f.BatchSize, f.SequenceDays, store.Channels, s);
            var samples = new List<(int Basin, int Start)>();
            for (int epoch = 1; epoch <= f.Epochs; epoch++)
            {
                training.Start();
                model.train();
                var order = Samples(c, seed, epoch, ranges, samples);
                for (int start = 0; start < order.Length; start += f.BatchSize)
                {
                    opt.LearningRate = LearningRate(f, epoch - 1 + start / (double)order.Length);
                    Step(f, model, opt, store, idx, setting, weight, batch, order.AsSpan(start,
                        Math.Min(f.BatchSize, order.Length - start)), device);
                }
                training.Stop();
                afterEpoch(epoch, model);
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The rate at <paramref name="epochs"/> epochs done (fractional): from learning_rate down to
    /// learning_rate_final along a half cosine over the run; constant when the two are equal.</summary>
    public static double LearningRate(ForwardConfig f, double epochs)
    {
        double final = f.LearningRateFinal > 0 ? f.LearningRateFinal : f.LearningRate;
        return Schedules.Cosine(f.LearningRate, final, epochs, f.Epochs);
    }

    /// <summary>Per-basin weight of the NSE* loss: 1 / (sd of the basin's normalized training response + 0.1)^2
    /// (Kratzert et al. 2019), so that every basin counts alike whatever its flow variance.</summary>
    static double[] LossWeights(ForwardConfig f, FeatureStore store, Normalizer norm, int[] idx,
        (int From, int To)[] ranges) => idx.Select((b, i) =>
        {
            if (f.Loss != "nse") return 1.0;
            var (from, to) = ranges[i];
            var v = Enumerable.Range(from, to - from).Select(t => store.Basins[b].Response[t])
                .Where(q => !float.IsNaN(q)).Select(norm.NormalizeResponse).Select(x => (double)x).ToArray();
            double m = v.Length > 0 ? v.Average() : 0, sd = v.Length > 1
                ? Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1)) : 1;
            return 1 / ((sd + 0.1) * (sd + 0.1));
        }).ToArray();

    /// <summary>The epoch's sequences: windows_per_basin random starts per basin, shuffled; the same seed gives
    /// the same epochs.</summary>
    static (int Basin, int Start)[] Samples(KgsslConfig c, int seed, int epoch, (int From, int To)[] ranges,
        List<(int Basin, int Start)> samples)
    {
        var rng = new Random(Seeds.Mix(seed, epoch, 0xf0));
        int length = c.Forward.SequenceDays;
        samples.Clear();
        for (int i = 0; i < ranges.Length; i++)
        {
            var (from, to) = ranges[i];
            if (to - from < length) continue;
            for (int k = 0; k < c.Forward.WindowsPerBasin; k++)
                samples.Add((i, from + rng.Next(to - from - length + 1)));
        }
        var order = samples.ToArray();
        rng.Shuffle(order);
        return order;
    }

    /// <summary>Buffers of one training batch, reused by every step.</summary>
    sealed class Batch(int size, int length, int channels, int statics)
    {
        public readonly float[] X = new float[size * length * channels];
        public readonly float[] Statics = new float[size * statics];
        public readonly float[] Weight = new float[size];
    }

    static void Step(ForwardConfig f, ForwardModel model, Adam opt, FeatureStore store, int[] idx, Setting setting,
        double[] weight, Batch b, ReadOnlySpan<(int Basin, int Start)> items, Device device)
    {
        using var scope = NewDisposeScope();
        int n = items.Length, L = f.SequenceDays, C = store.Channels, d = store.DriverCount;
        int s = setting.Statics[0].Length;
        for (int j = 0; j < n; j++)
        {
            var (i, st) = items[j];
            store.CopyWindow(idx[i], st, L, b.X.AsSpan(j * L * C, L * C));
            for (int k = 0; k < s; k++) b.Statics[j * s + k] = (float)setting.Statics[i][k];
            b.Weight[j] = (float)weight[i];
        }
        bool full = n == f.BatchSize;   // full batches use the buffers as they are; only a last, shorter one copies
        var xt = tensor(full ? b.X : b.X[..(n * L * C)], [n, L, C]).to(device);
        var statics = tensor(full ? b.Statics : b.Statics[..(n * s)], [n, s]).to(device);
        var pred = model.forward(xt[.., .., ..d], statics)[.., f.WarmupDays..];
        var target = xt[.., f.WarmupDays.., d];
        var observed = Held.From(1, xt[.., f.WarmupDays.., d + 1]);
        var mask = observed * tensor(full ? b.Weight : b.Weight[..n], [n, 1]).to(device);
        var error = pred - target;
        var loss = (error * error * mask).sum() / observed.sum().clamp_min(Held.One);
        opt.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        opt.step();
    }

    /// <summary>NSE and KGE of every basin on the test period, the year before it run as spin-up; with several
    /// models, of the mean of their predictions.</summary>
    static List<BasinScore> Score(KgsslConfig c, IReadOnlyList<ForwardModel> models, FeatureStore store, int[] idx,
        string setting, double[][] statics, Normalizer norm, Device device)
    {
        var (teS, teE) = Workflow.Period(c, "test");
        foreach (var model in models) model.eval();
        var jobs = HydrographScorer.Jobs(store, idx.Select((b, i) => (store.Basins[b].Id, statics[i])),
            teS, teE, 365);
        return HydrographScorer.Run(store, norm, (x, z) => Mean(models, x, z), jobs, device, 128)
            .Select(x => new BasinScore(setting, x.Job.Id, x.Nse, x.Kge)).ToList();
    }

    /// <summary>The members' mean prediction (one member: its own, untouched). The sum and the division pass libtorch
    /// only held Scalars (<see cref="Held"/>): the operators would make temporary ones.</summary>
    static Tensor Mean(IReadOnlyList<ForwardModel> models, Tensor x, Tensor statics)
    {
        var sum = models[0].forward(x, statics);
        for (int m = 1; m < models.Count; m++) sum = Held.Plus(sum, models[m].forward(x, statics));
        return models.Count == 1 ? sum : sum.div(Held.Of(models.Count));
    }

    public static void Write(string runDir, IReadOnlyList<SettingResult> results,
        IReadOnlyList<CurvePoint>? curve = null)
    {
        if (curve is { Count: > 0 })
            using (var w = new StreamWriter(Path.Combine(runDir, RunFiles.ForwardCurve)))
            {
                w.WriteLine("setting,epoch,train_minutes,median_nse");
                foreach (var p in curve)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{p.Setting},{p.Epoch},{p.TrainMinutes:F2},{p.MedianNse:G6}"));
            }
        using (var w = new StreamWriter(Path.Combine(runDir, RunFiles.ForwardBasins)))
        {
            w.WriteLine("setting,basin,nse,kge");
            foreach (var r in results)
                foreach (var b in r.Scores)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{b.Setting},{b.Basin},{b.Nse:G6},{b.Kge:G6}"));
        }
        using (var w = new StreamWriter(Path.Combine(runDir, RunFiles.ForwardSummary)))
        {
            w.WriteLine("setting,n,mean_nse,median_nse,median_kge,n_nse_le_0,wall_s");
            foreach (var r in results)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Setting.Name},{r.Scores.Count},{r.MeanNse:G6},{r.MedianNse:G6},{r.MedianKge:G6}," +
                    $"{r.Scores.Count(x => !(x.Nse > 0))},{r.WallSeconds:F1}"));
        }
    }
}
