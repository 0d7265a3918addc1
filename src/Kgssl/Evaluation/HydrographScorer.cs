using Kgssl.Data;
using static TorchSharp.torch;

namespace Kgssl.Evaluation;

/// <summary>
/// The one place a learned streamflow model (drivers and a conditioning vector -> response) is run over a period
/// and scored: each basin runs through spin-up days before the period (not scored), its prediction is turned back
/// into the response's unit and compared with the observed response day by day (NSE, KGE; missing days skipped).
/// Basins whose spin-up and period lengths agree run together in batches.
/// </summary>
public static class HydrographScorer
{
    /// <summary>One basin to score: days [From, To) of the store's basin, after Warm days of spin-up, with the
    /// model conditioned on <paramref name="Conditioning"/> (statics or an embedding; may be empty).</summary>
    public sealed record Job(string Id, int Basin, int From, int To, int Warm, double[] Conditioning);

    /// <summary>A scored basin: its dates, simulated and observed response (the response's unit), and their NSE
    /// and KGE.</summary>
    public sealed record Scored(Job Job, DateOnly[] Dates, double[] Sim, double[] Obs, double Nse, double Kge);

    /// <summary>Jobs for the basins with at least <see cref="ObservedDays.Minimum"/> days in [start, end], each with
    /// up to <paramref name="spinupDays"/> days before the period as spin-up; the order of
    /// <paramref name="basins"/> is kept.</summary>
    public static List<Job> Jobs(FeatureStore store, IEnumerable<(string Id, double[] Conditioning)> basins,
        DateOnly start, DateOnly end, int spinupDays)
    {
        var jobs = new List<Job>();
        foreach (var (id, conditioning) in basins)
        {
            int b = store.IndexOf(id);
            var (from, to) = store.Basins[b].PeriodRange(start, end);
            if (to - from >= ObservedDays.Minimum)
                jobs.Add(new Job(id, b, from, to, Math.Min(spinupDays, from), conditioning));
        }
        return jobs;
    }

    /// <summary>Runs <paramref name="model"/> (drivers [B, T, D], conditioning [B, S] -> normalized response
    /// [B, T]) over every job without gradients; results in the order of the jobs.</summary>
    public static List<Scored> Run(FeatureStore store, Normalizer norm, Func<Tensor, Tensor, Tensor> model,
        IReadOnlyList<Job> jobs, Device device, int batchSize = 64)
    {
        var scored = new Scored?[jobs.Count];
        int ch = store.Channels;
        using var noGrad = no_grad();
        foreach (var group in Enumerable.Range(0, jobs.Count).GroupBy(j => (jobs[j].Warm, jobs[j].To - jobs[j].From)))
            foreach (var chunk in group.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                int warm = group.Key.Warm, days = group.Key.Item2, length = days + warm, n = chunk.Length;
                int s = jobs[chunk[0]].Conditioning.Length;
                var buffer = new float[n * length * ch];
                var cBuffer = new float[n * s];
                for (int k = 0; k < n; k++)
                {
                    var job = jobs[chunk[k]];
                    store.CopyWindow(job.Basin, job.From - warm, length, buffer.AsSpan(k * length * ch, length * ch));
                    for (int e = 0; e < s; e++) cBuffer[k * s + e] = (float)job.Conditioning[e];
                }
                var x = tensor(buffer, [n, length, ch]).to(device);
                var c = tensor(cBuffer, [n, s]).to(device);
                var pred = model(x[.., .., ..store.DriverCount], c).cpu().data<float>().ToArray();
                for (int k = 0; k < n; k++)
                    scored[chunk[k]] = Unpack(store, norm, jobs[chunk[k]], pred.AsSpan(k * length + warm, days));
            }
        return scored.Select(x => x!).ToList();
    }

    static Scored Unpack(FeatureStore store, Normalizer norm, Job job, ReadOnlySpan<float> pred)
    {
        var basin = store.Basins[job.Basin];
        var sim = new double[pred.Length];
        var obs = new double[pred.Length];
        for (int t = 0; t < sim.Length; t++)
        {
            sim[t] = norm.DenormalizeResponse(pred[t]);
            obs[t] = basin.Response[job.From + t];
        }
        return new Scored(job, basin.Dates[job.From..job.To], sim, obs, Metrics.Nse(sim, obs), Metrics.Kge(sim, obs));
    }
}
