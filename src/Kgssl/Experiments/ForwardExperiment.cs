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

namespace Kgssl.Experiments;

/// <summary>
/// Does a streamflow model fed the KGSSL embedding stay good where one fed noisy catalogued
/// characteristics fails? Every setting trains the same forward model (EA-LSTM or LSTM) on every gauged
/// basin's training period, with different static inputs, and scores NSE/KGE on the test period.
/// Trade-off of the defaults: sequence-to-sequence windows (the first warmup_days unscored) instead of the
/// paper's sequence-to-one, a few windows per basin per epoch, hidden 32, 12 epochs: minutes per setting on 2 cores.
/// </summary>
public static class ForwardExperiment
{
    public sealed record Setting(string Name, double[][] Statics, double Std = double.NaN,
        double Fraction = double.NaN, int Months = -1);

    public sealed record BasinScore(string Setting, string Basin, double Nse, double Kge);

    public sealed record SettingResult(Setting Setting, List<BasinScore> Scores, double WallSeconds)
    {
        public double MedianNse => Metrics.Median(Scores.Select(s => s.Nse));
        public double MeanNse => Scores.Select(s => s.Nse).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
    }

    /// <summary>Builds the settings asked for: true, none, random, corrupted grid, embedding (all and limited
    /// months).</summary>
    public static List<Setting> Settings(KgsslConfig c, Workflow.Prepared p, IReadOnlyList<string> basins,
        string which, Func<int, double[][]>? embedding)
    {
        var trueZ = basins.Select(id => p.Data.Basin(id).Characteristics.Select((v, k) => double.IsFinite(v)
            ? p.Normalizer.NormalizeCharacteristic(k, v) : 0).ToArray()).ToList();
        var list = new List<Setting>();
        bool all = which == "all";
        if (all || which == "true") list.Add(new Setting("true", trueZ.ToArray()));
        if (all || which == "none") list.Add(new Setting("none", basins.Select(_ => Array.Empty<double>()).ToArray()));
        if (all || which == "random") list.Add(new Setting("random",
            StaticsCorruption.Random(basins.Count, trueZ[0].Length, c.Training.Seed + 17)));
        if (all || which == "corrupted")
            foreach (var f in c.Forward.CorruptionFractions)
                foreach (var s in c.Forward.CorruptionStds)
                    list.Add(new Setting(string.Create(CultureInfo.InvariantCulture, $"corrupted_s{s}_f{f}"),
                        StaticsCorruption.Apply(trueZ, s, f, c.Training.Seed + 31).Statics, s, f));
        if ((all || which == "embedding") && embedding is not null)
            foreach (var months in c.Forward.EmbeddingMonths)
                list.Add(new Setting(months == 0 ? "embedding" : $"embedding_{months}m", embedding(months),
                    Months: months));
        if (list.Count == 0) throw new ConfigException(
            $"--statics {which}: nothing to run (embedding needs forward.embedding_run or --embedding-run)");
        return list;
    }

    /// <summary>
    /// Embeddings of each basin from a KGSSL run, computed from TRAINING-period windows only (the first
    /// <paramref name="months"/> months of it when &gt; 0), z-scored per dimension across basins.
    /// </summary>
    public static double[][] Embeddings(string runDir, KgsslConfig c, HydroDataset data, IReadOnlyList<string> basins,
        int months)
    {
        using var trained = TrainedRun.Open(RunDirectory.Open(runDir), data: data);
        var (rc, store, model, device) = (trained.Prepared.Config, trained.Prepared.Store, trained.Model,
            trained.Device);
        var start = ConfigValidator.Date("config", "data.train_start", c.Data.TrainStart);
        var end = months > 0 ? start.AddMonths(months).AddDays(-1)
            : ConfigValidator.Date("config", "data.train_end", c.Data.TrainEnd);
        var emb = Embedder.Embed(model, store, basins, start, end, rc.Data.WindowDays, rc.Data.Stride, device);
        var z = emb.Select(e => e.Windows > 0 ? e.Mean : new double[rc.Model.Embedding]).ToArray();
        var (mean, std) = Ridge.Scale(z, z[0].Length);
        return z.Select(r => Ridge.Standardize(r, mean, std)).ToArray();
    }

    public static SettingResult Run(KgsslConfig c, FeatureStore store, IReadOnlyList<string> basins, Setting setting,
        Normalizer norm,
        Device device, IProgress<double>? progress = null)
    {
        var f = c.Forward;
        var clock = Stopwatch.StartNew();
        torch.manual_seed(c.Training.Seed);
        int d = store.DriverCount, s = setting.Statics[0].Length;
        using var model = ForwardModel.Create(f.Model, d, s, f.Hidden);
        model.to(device);
        using var opt = new Adam(model.parameters(), f.LearningRate);
        var (trS, trE) = Workflow.Period(c, "train");
        var (teS, teE) = Workflow.Period(c, "test");
        int[] idx = basins.Select(store.IndexOf).ToArray();
        var ranges = idx.Select(b => store.Basins[b].PeriodRange(trS, trE)).ToArray();
        // per-basin weight of the NSE* loss: 1 / (sd of the basin's normalized training response + 0.1)^2
        var weight = idx.Select((b, i) =>
        {
            var (from, to) = ranges[i];
            var v = Enumerable.Range(from, to - from).Select(t => store.Basins[b].Response[t])
                .Where(q => !float.IsNaN(q)).Select(norm.NormalizeResponse).Select(x => (double)x).ToArray();
            double m = v.Length > 0 ? v.Average() : 0, sd = v.Length > 1
                ? Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1)) : 1;
            return f.Loss == "nse" ? 1 / ((sd + 0.1) * (sd + 0.1)) : 1.0;
        }).ToArray();

        int L = f.SequenceDays, C = store.Channels;
        var staticsFlat = new float[f.BatchSize * Math.Max(s, 0)];
        var x = new float[f.BatchSize * L * C];
        var w = new float[f.BatchSize];
        var samples = new List<(int Basin, int Start)>();
        for (int epoch = 1; epoch <= f.Epochs; epoch++)
        {
            var rng = new Random(Seeds.Mix(c.Training.Seed, epoch, 0xf0));
            samples.Clear();
            for (int i = 0; i < idx.Length; i++)
            {
                var (from, to) = ranges[i];
                if (to - from < L) continue;
                for (int k = 0; k < f.WindowsPerBasin; k++) samples.Add((i, from + rng.Next(to - from - L + 1)));
            }
            var order = samples.ToArray();
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += f.BatchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(f.BatchSize, order.Length - start);
                for (int j = 0; j < n; j++)
                {
                    var (i, st) = order[start + j];
                    store.CopyWindow(idx[i], st, L, x.AsSpan(j * L * C, L * C));
                    for (int k = 0; k < s; k++) staticsFlat[j * s + k] = (float)setting.Statics[i][k];
                    w[j] = (float)weight[i];
                }
                // full batches use the preallocated buffers as they are; only the last, shorter batch copies
                var xt = tensor(n == f.BatchSize ? x : x[..(n * L * C)], [n, L, C]).to(device);
                var st2 = tensor(n == f.BatchSize ? staticsFlat : staticsFlat[..(n * s)], [n, s]).to(device);
                var pred = model.forward(xt[.., .., ..d], st2)[.., f.WarmupDays..];
                var target = xt[.., f.WarmupDays.., d];
                var observed = Held.From(1, xt[.., f.WarmupDays.., d + 1]);
                var mask = observed * tensor(n == f.BatchSize ? w : w[..n], [n, 1]).to(device);
                var error = pred - target;
                var loss = (error * error * mask).sum() / observed.sum().clamp_min(Held.One);
                opt.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                opt.step();
            }
            progress?.Report(epoch / (double)(f.Epochs + 1));
        }
        opt.Dispose();

        // test period, with the year before it as spin-up; basins with the same span run as one batch
        var scores = new List<BasinScore>();
        model.eval();
        var spans = new List<(int I, int From, int To, int Warm)>();
        for (int i = 0; i < idx.Length; i++)
        {
            var (from, to) = store.Basins[idx[i]].PeriodRange(teS, teE);
            if (to - from >= ObservedDays.Minimum) spans.Add((i, from, to, Math.Min(365, from)));
        }
        using (no_grad())
            foreach (var group in spans.GroupBy(x => (x.To - x.From, x.Warm)))
                foreach (var chunk in group.Chunk(128))
                {
                    using var scope = NewDisposeScope();
                    int length = group.Key.Item1 + group.Key.Warm, n = chunk.Length;
                    var buffer = new float[n * length * C];
                    var sBuffer = new float[n * s];
                    for (int j = 0; j < n; j++)
                    {
                        store.CopyWindow(idx[chunk[j].I], chunk[j].From - chunk[j].Warm, length,
                            buffer.AsSpan(j * length * C, length * C));
                        for (int k = 0; k < s; k++) sBuffer[j * s + k] = (float)setting.Statics[chunk[j].I][k];
                    }
                    var xt = tensor(buffer, [n, length, C]).to(device);
                    var pred = model.forward(xt[.., .., ..d], tensor(sBuffer, [n, s]).to(device)).cpu().data<float>()
                        .ToArray();
                    for (int j = 0; j < n; j++)
                    {
                        var (i, from, to, warm) = chunk[j];
                        var basin = store.Basins[idx[i]];
                        var sim = new double[to - from]; var obs = new double[to - from];
                        for (int t = 0; t < sim.Length; t++) { sim[t] = norm.DenormalizeResponse(
                            pred[j * length + warm + t]); obs[t] = basin.Response[from + t]; }
                        scores.Add(new BasinScore(setting.Name, basin.Id, Metrics.Nse(sim, obs),
                            Metrics.Kge(sim, obs)));
                    }
                }
        progress?.Report(1);
        return new SettingResult(setting, scores, clock.Elapsed.TotalSeconds);
    }

    public static void Write(string runDir, IReadOnlyList<SettingResult> results)
    {
        using (var w = new StreamWriter(Path.Combine(runDir, "forward_basins.csv")))
        {
            w.WriteLine("setting,basin,nse,kge");
            foreach (var r in results)
                foreach (var b in r.Scores)
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{b.Setting},{b.Basin},{b.Nse:G6},{b.Kge:G6}"));
        }
        using (var w = new StreamWriter(Path.Combine(runDir, "forward_summary.csv")))
        {
            w.WriteLine("setting,n,mean_nse,median_nse,n_nse_le_0,wall_s");
            foreach (var r in results)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Setting.Name},{r.Scores.Count},{r.MeanNse:G6},{r.MedianNse:G6},{r.Scores.Count(x => !(x.Nse > 0))},{r.WallSeconds:F1}"));
        }
    }
}
