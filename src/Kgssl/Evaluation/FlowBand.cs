using Kgssl.Hydrology;

namespace Kgssl.Evaluation;

/// <summary>
/// A predictive band for a model's daily streamflow from its own errors on the calibration years: the empirical
/// 5 % and 95 % quantiles of log(q_obs + 0.01) - log(q_sim + 0.01), taken separately in classes of the simulated
/// flow (equal shares of the calibration days), so that the band is multiplicative and as wide as the model erred
/// at flows like the day's. It carries the model's structural error and the forcing's, which dominate the parameters'
/// own uncertainty; it treats days as exchangeable, so it says nothing about how errors run on from day to day.
/// </summary>
/// <param name="Edges">The simulated flows (mm/day) that separate the classes, increasing; one fewer than the
/// classes.</param>
/// <param name="Low">Per class, the 5 % quantile of the log errors.</param>
/// <param name="High">Per class, the 95 % quantile.</param>
public sealed record FlowBand(double[] Edges, double[] Low, double[] High)
{
    /// <summary>The band's quantiles: a 90 % band.</summary>
    public const double Lower = 0.05, Upper = 0.95;

    /// <summary>The fewest calibration days a class is fitted on.</summary>
    public const int MinimumDays = 100;

    /// <summary>Classes of simulated flow, chosen on validation years (benchmarks/RESULTS.md).</summary>
    public const int DefaultClasses = 3;

    static double Log(double q) => HbvCalibration.LogFlow(Math.Max(q, 0));

    /// <summary>The band of a simulation against the observed flows of the same days (NaN where missing), in at most
    /// <paramref name="classes"/> classes of at least <see cref="MinimumDays"/> days; null with fewer days than
    /// that.</summary>
    public static FlowBand? Fit(IReadOnlyList<double> sim, IReadOnlyList<double> obs, int classes = DefaultClasses)
    {
        var days = Enumerable.Range(0, sim.Count).Where(t => double.IsFinite(obs[t]) && double.IsFinite(sim[t]))
            .OrderBy(t => sim[t]).ToArray();
        int k = Math.Min(classes, days.Length / MinimumDays);
        if (k < 1) return null;
        var edges = new double[k - 1];
        var low = new double[k];
        var high = new double[k];
        for (int c = 0; c < k; c++)
        {
            int from = c * days.Length / k, to = (c + 1) * days.Length / k;
            var errors = days[from..to].Select(t => Log(obs[t]) - Log(sim[t])).ToArray();
            low[c] = Signatures.Quantile(errors, Lower);
            high[c] = Signatures.Quantile(errors, Upper);
            if (c > 0) edges[c - 1] = (sim[days[from - 1]] + sim[days[from]]) / 2;
        }
        return new FlowBand(edges, low, high);
    }

    /// <summary>The band's bounds (mm/day) around each simulated flow.</summary>
    public (double[] Low, double[] High) Around(IReadOnlyList<double> sim)
    {
        var lo = new double[sim.Count];
        var hi = new double[sim.Count];
        for (int t = 0; t < sim.Count; t++)
        {
            int c = 0;
            while (c < Edges.Length && sim[t] > Edges[c]) c++;
            lo[t] = Math.Max(0, Math.Exp(Log(sim[t]) + Low[c]) - HbvCalibration.LogOffset);
            hi[t] = Math.Max(0, Math.Exp(Log(sim[t]) + High[c]) - HbvCalibration.LogOffset);
        }
        return (lo, hi);
    }

    /// <summary>The band's bounds around each simulated flow, and the share of the observed flows of the same days
    /// (NaN: missing) inside them.</summary>
    public (double[] Low, double[] High, double Coverage) Cover(IReadOnlyList<double> sim, IReadOnlyList<double> obs)
    {
        var (low, high) = Around(sim);
        return (low, high, Coverage(obs, low, high));
    }

    /// <summary>The share of the observed days (NaN: missing) inside [low, high].</summary>
    public static double Coverage(IReadOnlyList<double> obs, double[] low, double[] high)
    {
        int n = 0, inside = 0;
        for (int t = 0; t < obs.Count; t++)
        {
            if (!double.IsFinite(obs[t])) continue;
            n++;
            if (obs[t] >= low[t] && obs[t] <= high[t]) inside++;
        }
        return n == 0 ? double.NaN : inside / (double)n;
    }
}
