using Kgssl.Data;
using Kgssl.Model;
using static TorchSharp.torch;

namespace Kgssl.Training;

/// <summary>One basin's embedding over a period: mean and spread across its windows, and the head's predicted
/// characteristics (z-scored units) with their spread.</summary>
public sealed record BasinEmbedding(string Id, int Windows, int Days, double[] Mean, double[] Spread,
    double[] PredictedZ, double[] PredictedSpreadZ, string Note);

/// <summary>
/// Inference for any basin (seen in training or not): embed each window of the period and average.
/// Windows use the training stride and may miss up to <c>maxMissingFraction</c> of the response (the encoder
/// sees the missing indicator). A basin with fewer days than one window but at least
/// <see cref="MinimumDays"/> observed response days gets one shorter window over all its days (the GRU and the
/// attention pooling take any length); with fewer it gets no embedding and a note says why.
/// </summary>
public static class Embedder
{
    public const int MinimumDays = ObservedDays.Minimum;

    public static List<BasinEmbedding> Embed(KgsslModel model, FeatureStore store, IEnumerable<string> ids,
        DateOnly start, DateOnly end, int windowDays, int stride, Device device, double maxMissingFraction = 0.5,
        int batchSize = 256)
    {
        // first the windows of every basin, then batches across basins (one forward per basin was most of the
        // evaluation's time with thousands of basins of a few windows each); eval mode, so a window's embedding
        // does not depend on the others in its batch
        var plans = ids.Select(id => Plan(store, id, start, end, windowDays, stride, maxMissingFraction)).ToList();
        var zs = plans.Select(pl => new float[pl.Starts.Count][]).ToArray();
        var preds = plans.Select(pl => new float[pl.Starts.Count][]).ToArray();
        var jobs = plans.SelectMany((pl, i) => pl.Starts.Select((s, k) => (Plan: i, Window: k, Start: s, pl.Length)))
            .GroupBy(j => j.Length);
        model.eval();
        using (no_grad())
            foreach (var group in jobs)
            {
                var list = group.ToArray();
                int length = group.Key;
                for (int i = 0; i < list.Length; i += batchSize)
                {
                    using var scope = NewDisposeScope();
                    int n = Math.Min(batchSize, list.Length - i);
                    var buffer = new float[n * length * store.Channels];
                    for (int k = 0; k < n; k++)
                        store.CopyWindow(plans[list[i + k].Plan].Basin, list[i + k].Start, length,
                            buffer.AsSpan(k * length * store.Channels, length * store.Channels));
                    var x = tensor(buffer, [n, length, store.Channels]).to(device);
                    var z = model.Embed(x);
                    var p = model.Head.forward(z);
                    var zArr = z.cpu().data<float>().ToArray();
                    var pArr = p.cpu().data<float>().ToArray();
                    int e = (int)z.shape[1], kk = (int)p.shape[1];
                    for (int k = 0; k < n; k++)
                    {
                        var job = list[i + k];
                        zs[job.Plan][job.Window] = zArr[(k * e)..((k + 1) * e)];
                        preds[job.Plan][job.Window] = pArr[(k * kk)..((k + 1) * kk)];
                    }
                }
            }
        return plans.Select((pl, i) => Summarize(pl, zs[i], preds[i])).ToList();
    }

    sealed record WindowPlan(string Id, int Basin, List<int> Starts, int Length, int Days, string Note);

    /// <summary>A basin's windows in the period; one shorter window when the period holds none but enough
    /// observed days; none (with the reason) otherwise.</summary>
    static WindowPlan Plan(FeatureStore store, string id, DateOnly start, DateOnly end, int windowDays, int stride,
        double maxMissingFraction)
    {
        int b = store.IndexOf(id);
        var basin = store.Basins[b];
        var (from, to) = basin.PeriodRange(start, end);
        int observed = 0;
        for (int t = from; t < to; t++) if (!float.IsNaN(basin.Response[t])) observed++;
        var starts = WindowIndex.Starts(basin, from, to, windowDays, stride, maxMissingFraction);
        int length = windowDays;
        string note = "";
        if (starts.Count == 0)
        {
            if (observed >= MinimumDays)
            {
                length = to - from;
                starts.Add(from);
                note = $"shorter than one window: one {length}-day window";
            }
            else note = $"no embedding: {observed} observed response days in the period (need {MinimumDays})";
        }
        return new WindowPlan(id, b, starts, length, to - from, note);
    }

    static BasinEmbedding Summarize(WindowPlan pl, float[][] zs, float[][] preds)
    {
        if (pl.Starts.Count == 0) return new BasinEmbedding(pl.Id, 0, pl.Days, [], [], [], [], pl.Note);
        var (zm, zsd) = MeanSpread([.. zs]);
        var (pm, psd) = MeanSpread([.. preds]);
        return new BasinEmbedding(pl.Id, pl.Starts.Count, pl.Days, zm, zsd, pm, psd, pl.Note);
    }

    static (double[] Mean, double[] Spread) MeanSpread(List<float[]> rows)
    {
        int d = rows[0].Length;
        var mean = new double[d]; var sd = new double[d];
        foreach (var r in rows) for (int k = 0; k < d; k++) mean[k] += r[k];
        for (int k = 0; k < d; k++) mean[k] /= rows.Count;
        foreach (var r in rows) for (int k = 0; k < d; k++) sd[k] += (r[k] - mean[k]) * (r[k] - mean[k]);
        for (int k = 0; k < d; k++) sd[k] = rows.Count > 1 ? Math.Sqrt(sd[k] / (rows.Count - 1)) : 0;
        return (mean, sd);
    }
}
