using Kgssl.Hydrology;

namespace Kgssl.Evaluation;

/// <summary>
/// Goodness-of-fit metrics over paired series, NaN-aware: a pair counts only when both values are finite;
/// fewer than 2 valid pairs gives NaN. Pure functions.
/// </summary>
public static class Metrics
{
    static (double[] Sim, double[] Obs) Valid(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs)
    {
        if (sim.Length != obs.Length) throw new ArgumentException($"sim has {sim.Length} values, obs {obs.Length}",
            nameof(sim));
        var s = new List<double>(sim.Length); var o = new List<double>(obs.Length);
        for (int i = 0; i < sim.Length; i++)
            if (double.IsFinite(sim[i]) && double.IsFinite(obs[i])) { s.Add(sim[i]); o.Add(obs[i]); }
        return (s.ToArray(), o.ToArray());
    }

    /// <summary>Median of the finite values (mean of the middle two for an even count); NaN when none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2]
            : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    public static int ValidPairs(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs) => Valid(sim, obs).Sim.Length;

    /// <summary>Pearson product-moment correlation (two-pass, centred).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (a, b) = Valid(x, y);
        if (a.Length < 2) return double.NaN;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db; saa += da * da; sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }

    /// <summary>Spearman rank correlation: Pearson of mid-ranks (ties share their average rank).</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (a, b) = Valid(x, y);
        if (a.Length < 2) return double.NaN;
        return Pearson(Ranks(a), Ranks(b));
    }

    public static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    public static double Rmse(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs)
    {
        var (s, o) = Valid(sim, obs);
        if (s.Length < 2) return double.NaN;
        double sum = 0;
        for (int i = 0; i < s.Length; i++) sum += (s[i] - o[i]) * (s[i] - o[i]);
        return Math.Sqrt(sum / s.Length);
    }

    /// <summary>Mean error sim - obs.</summary>
    public static double Bias(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs)
    {
        var (s, o) = Valid(sim, obs);
        return s.Length < 2 ? double.NaN : s.Average() - o.Average();
    }

    /// <summary>Coefficient of determination as 1 - SSE/SST (equals NSE over the same pairs).</summary>
    public static double RSquared(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs) => Nse(sim, obs);

    /// <summary>Nash-Sutcliffe efficiency (Nash and Sutcliffe 1970): 1 - sum (s - o)^2 / sum (o - mean o)^2.</summary>
    public static double Nse(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs)
    {
        var (s, o) = Valid(sim, obs);
        if (s.Length < 2) return double.NaN;
        double mo = o.Average(), sse = 0, sst = 0;
        for (int i = 0; i < s.Length; i++) { sse += (s[i] - o[i]) * (s[i] - o[i]); sst += (o[i] - mo) * (o[i] - mo); }
        return sst > 0 ? 1 - sse / sst : double.NaN;
    }

    /// <summary>NSE of <see cref="HbvCalibration.LogFlow"/>: the low flows and recessions, which NSE on q itself
    /// hardly weighs.</summary>
    public static double LogNse(IReadOnlyList<double> sim, IReadOnlyList<double> obs) =>
        Nse(sim.Select(HbvCalibration.LogFlow).ToArray(), obs.Select(HbvCalibration.LogFlow).ToArray());

    /// <summary>
    /// Kling-Gupta efficiency (Gupta et al. 2009): 1 - sqrt((r - 1)^2 + (alpha - 1)^2 + (beta - 1)^2),
    /// alpha = sd_sim / sd_obs, beta = mean_sim / mean_obs.
    /// </summary>
    public static double Kge(ReadOnlySpan<double> sim, ReadOnlySpan<double> obs)
    {
        var (s, o) = Valid(sim, obs);
        if (s.Length < 2) return double.NaN;
        double r = Pearson(s, o), ms = s.Average(), mo = o.Average();
        double sds = Math.Sqrt(s.Sum(v => (v - ms) * (v - ms)) / s.Length),
            sdo = Math.Sqrt(o.Sum(v => (v - mo) * (v - mo)) / o.Length);
        if (sdo == 0 || mo == 0) return double.NaN;
        double alpha = sds / sdo, beta = ms / mo;
        return 1 - Math.Sqrt((r - 1) * (r - 1) + (alpha - 1) * (alpha - 1) + (beta - 1) * (beta - 1));
    }
}
