using Kgssl.Hydrology;

namespace Kgssl.Evaluation;

/// <summary>
/// How tightly a basin's calibration years constrain each HBV parameter around an estimate: the linearized
/// (first-order) posterior standard deviation, as PEST reports it for a calibrated model (Doherty 2015, Calibration
/// and Uncertainty Analysis for Complex Environmental Models, ch. 7).
/// <list type="bullet">
/// <item>The calibration objective is 1 minus a sum of squared weighted residuals: each day's error on q over
/// sqrt(2 x the observations' sum of squares about their mean), and likewise on log(q + 0.01). Read as a Gaussian
/// likelihood, the residuals' variance is estimated from the estimate's own residuals.</item>
/// <item>Daily errors are autocorrelated and uneven along the hydrograph, so the Gaussian reading overstates what the
/// days tell. The data's covariance is the sandwich A^-1 B A^-1 of an M-estimate (White 1982), with A the
/// information and B the long-run covariance of the days' scores over a year of lags (Newey and West 1987); its
/// inverse is added to the prior's precision.</item>
/// <item>The residuals' Jacobian comes from forward differences in the unit cube of
/// <see cref="HbvParameters.Ranges"/>, one HBV run per parameter: 12 with the estimate's own.</item>
/// <item>The prior is flat over the ranges, taken as a Gaussian of the same variance (1/12 in the unit cube), so a
/// parameter the data do not constrain keeps the spread of its whole range.</item>
/// </list>
/// It is local: equally good optima elsewhere in the cube (equifinality), a search that stopped short of the optimum
/// and the model's own structural error are not in it, so it is a lower bound. On synthetic basins with known
/// parameters, the truth lies within 2 sd of calibration from scratch for 61 to 82 % of the basins, depending on the
/// parameter (95 % if the sd were exact).
/// </summary>
public static class HbvUncertainty
{
    /// <summary>The finite-difference step in the unit cube (away from a face the estimate sits on).</summary>
    public const double Step = 0.01;

    /// <summary>The precision of a flat prior over the unit interval: 1 / its variance, 1/12.</summary>
    const double RangePrecision = 12;

    /// <summary>The longest lag (days) of the scores' autocovariance counted: a hydrological year, the memory of
    /// HBV's slowest storage (K2 down to 0.001/day) and of the seasons. On synthetic basins with known parameters,
    /// 30, 90, 180 and 365 days bring the intervals of FC, LP and K2 closer to the truth in that order
    /// (benchmarks/RESULTS.md).
    /// </summary>
    public const int Lags = 365;

    /// <summary>The posterior sd of each parameter in the unit cube, in range order; the estimate is run from the
    /// model's default storages over the series and scored on its observed days in [from, to). NaN for every
    /// parameter when those days have no NSE (fewer than 3, or a constant flow such as a river dry throughout).
    /// </summary>
    public static double[] UnitSd(HbvParameters p, HbvCalibration.Series s, int from, int to)
    {
        var days = Enumerable.Range(from, to - from).Where(t => !double.IsNaN(s.Streamflow[t])).ToArray();
        var observed = new Observed(days, days.Select(t => s.Streamflow[t]).ToArray(),
            days.Select(t => HbvCalibration.LogFlow(s.Streamflow[t])).ToArray());
        var (wq, wl) = days.Length >= 3 ? Weights(observed) : (double.NaN, double.NaN);
        if (!double.IsFinite(wq) || !double.IsFinite(wl))
            return Enumerable.Repeat(double.NaN, HbvParameters.Ranges.Count).ToArray();
        var unit = p.ToUnit();
        var r0 = Residuals(p, s, observed, wq, wl);
        int k = unit.Length, m = r0.Length, n = days.Length;
        var jacobian = new double[k][];
        for (int d = 0; d < k; d++)
        {
            var v = (double[])unit.Clone();
            double h = unit[d] + Step <= 1 ? Step : -Step;
            v[d] += h;
            var r = Residuals(HbvParameters.FromUnit(v), s, observed, wq, wl);
            for (int i = 0; i < m; i++) r[i] = (r[i] - r0[i]) / h;
            jacobian[d] = r;
        }
        double variance = Math.Max(r0.Sum(x => x * x) / Math.Max(m - k, 1), 1e-12);
        return Sandwich(jacobian, r0, days, variance).Select(Math.Sqrt).ToArray();
    }

    /// <summary>
    /// The diagonal of (A B^-1 A + P)^-1. A = J'J / variance is the information a Gaussian reading of the errors
    /// claims, B the long-run covariance of the days' scores g_t = J_t' r_t / variance over <see cref="Lags"/> days
    /// (<see cref="LongRunCovariance(IReadOnlyList{double[]}, IReadOnlyList{int}, int)"/>: the lags in days, across
    /// gaps in the observations too), which holds the residuals' autocorrelation and their uneven size along the
    /// hydrograph. A^-1 B A^-1 is the data's sandwich covariance (White 1982), and A B^-1
    /// A its precision, added to the flat prior's P = 12 I as a Gaussian likelihood of that covariance would be
    /// (Mueller 2013, Econometrica 81, 1805-1849): never wider than the prior, the sandwich where the data dominate.
    /// A correct Gaussian error model without autocorrelation makes B = A and this (A + P)^-1.
    /// </summary>
    static double[] Sandwich(double[][] jacobian, double[] r, int[] days, double variance)
    {
        int k = jacobian.Length, n = days.Length;
        var g = new double[n][];
        for (int t = 0; t < n; t++)
        {
            g[t] = new double[k];
            for (int d = 0; d < k; d++)
                g[t][d] = (jacobian[d][t] * r[t] + jacobian[d][n + t] * r[n + t]) / variance;
        }
        var a = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int t = 0; t < r.Length; t++) sum += jacobian[i][t] * jacobian[j][t];
                a[i, j] = a[j, i] = sum / variance;
            }
        var b = LongRunCovariance(g, days, Lags);
        double trace = 0;
        for (int i = 0; i < k; i++) trace += b[i, i];
        // a parameter HBV does not feel has zero rows in A and B: the ridge keeps B invertible, and A zeroes it out
        var l = Cholesky.Factor(b, Math.Max(trace / k * 1e-10, 1e-300));
        var precision = new double[k, k];
        var solved = Enumerable.Range(0, k).Select(j => Cholesky.Back(l, Cholesky.Forward(l,
            Enumerable.Range(0, k).Select(i => a[i, j]).ToArray()))).ToArray();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                for (int m = 0; m < k; m++) precision[i, j] += a[i, m] * solved[j][m];
        return Cholesky.InverseDiagonal(precision, RangePrecision);
    }

    /// <summary>
    /// The Bartlett-kernel long-run covariance of a vector series (Newey and West 1987): sum over s, t of
    /// (1 - |s - t| / (lags + 1)) g_s g_t' for |s - t| &lt;= lags. The same sum as (1 / (lags + 1)) x the sum of
    /// W W' over the moving sums W of lags + 1 consecutive terms (the triangle is a box convolved with itself),
    /// which costs n k^2 whatever the lags.
    /// </summary>
    public static double[,] LongRunCovariance(IReadOnlyList<double[]> g, int lags)
    {
        int n = g.Count, k = g[0].Length;
        var b = new double[k, k];
        var window = new double[k];
        for (int j = -lags; j < n; j++)
        {
            // the window is g[j..j + lags], clipped to the series
            if (j + lags < n) for (int d = 0; d < k; d++) window[d] += g[j + lags][d];
            if (j - 1 >= 0) for (int d = 0; d < k; d++) window[d] -= g[j - 1][d];
            for (int i = 0; i < k; i++)
                for (int d = 0; d <= i; d++) b[i, d] += window[i] * window[d];
        }
        for (int i = 0; i < k; i++)
            for (int d = 0; d <= i; d++) b[i, d] = b[d, i] = b[i, d] / (lags + 1);
        return b;
    }

    /// <summary>
    /// <see cref="LongRunCovariance(IReadOnlyList{double[]}, int)"/> of scores on the given days (increasing): the
    /// lags count in days, not in scores, so that the days on either side of a gap in the observations are as far
    /// apart as they are in time. A day without an observation has a zero score.
    /// </summary>
    public static double[,] LongRunCovariance(IReadOnlyList<double[]> g, IReadOnlyList<int> days, int lags)
    {
        var zero = new double[g[0].Length];
        var spread = Enumerable.Repeat(zero, days[^1] - days[0] + 1).ToArray();
        for (int i = 0; i < g.Count; i++) spread[days[i] - days[0]] = g[i];
        return LongRunCovariance(spread, lags);
    }

    /// <summary>A unit-cube sd on a column's scale (physical units, or log10 for a log10 column), at the
    /// estimate.</summary>
    public static double OnScale(HbvColumns.Column c, double unit, double unitSd)
    {
        var range = HbvParameters.Ranges[c.Parameter];
        const double e = 1e-6;
        double lo = Math.Max(unit - e, 0), hi = Math.Min(unit + e, 1);
        double slope = (c.ToScale(LatinHypercube.Scale(hi, range)) - c.ToScale(LatinHypercube.Scale(lo, range)))
            / (hi - lo);
        return Math.Abs(slope) * unitSd;
    }

    /// <summary>The series' days with an observation, their flows and log(q + 0.01), taken once for all the runs.
    /// </summary>
    sealed record Observed(int[] Days, double[] Q, double[] Log);

    /// <summary>1 / sqrt(2 x sum of squares about the mean) of the observed q and of log(q + 0.01): infinite for a
    /// constant flow.</summary>
    static (double Q, double Log) Weights(Observed o)
    {
        double mean = o.Q.Average(), meanLog = o.Log.Average();
        double ss = o.Q.Sum(q => Math.Pow(q - mean, 2)), ssLog = o.Log.Sum(l => Math.Pow(l - meanLog, 2));
        return (1 / Math.Sqrt(2 * ss), 1 / Math.Sqrt(2 * ssLog));
    }

    /// <summary>The weighted residuals on q of the observed days, then those on log q: their sum of squares is
    /// 1 - the calibration objective.</summary>
    static double[] Residuals(HbvParameters p, HbvCalibration.Series s, Observed o, double wq, double wl)
    {
        var q = HbvModel.Run(p, s.Precipitation, s.Temperature, s.Pet, HbvStates.Default).Runoff;
        int n = o.Days.Length;
        var r = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            double sim = q[o.Days[i]];
            r[i] = (sim - o.Q[i]) * wq;
            r[n + i] = (HbvCalibration.LogFlow(sim) - o.Log[i]) * wl;
        }
        return r;
    }
}
