namespace Kgssl.Evaluation;

/// <summary>
/// Ridge regression on z-scored features (Hoerl and Kennard 1970): w = (X'X + lambda I)^-1 X'y, intercept
/// the training mean. NaN features are imputed with the training mean (0 after z-scoring). The penalty is given, or
/// chosen from <see cref="Penalties"/> by the exact leave-one-out error of the training samples (Allen's PRESS:
/// residual / (1 - leverage)), so it adapts to how much each target's features carry without a validation set.
/// </summary>
public sealed class Ridge
{
    readonly double[] _mean, _std, _w;
    readonly double _intercept;

    Ridge(double[] mean, double[] std, double[] w, double intercept, double penalty) { _mean = mean; _std = std;
        _w = w; _intercept = intercept; Penalty = penalty; }

    /// <summary>The penalties a leave-one-out choice tries (on z-scored features).</summary>
    public static readonly double[] Penalties = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000];

    /// <summary>The penalty this ridge was fitted with.</summary>
    public double Penalty { get; }

    public static Ridge Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, double lambda) =>
        Fit(x, y, [lambda]);

    /// <summary>The ridge with the penalty of <paramref name="penalties"/> whose leave-one-out squared error over the
    /// samples with a finite target is least (the first on ties).</summary>
    public static Ridge Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double> penalties)
    {
        var n = Normal.Of(x, y);
        Ridge? best = null;
        double bestError = double.PositiveInfinity;
        foreach (double lambda in penalties)
        {
            var (w, press) = n.Solve(lambda, penalties.Count > 1);
            if (best is null || press < bestError)
            {
                best = new Ridge(n.Mean, n.Std, w, n.YMean, lambda);
                bestError = press;
            }
        }
        return best ?? throw new ArgumentException("needs at least one penalty", nameof(penalties));
    }

    /// <summary>The leave-one-out sum of squared errors of a penalty over the samples with a finite target (the
    /// features z-scored once over all of them).</summary>
    internal static double LeaveOneOutError(IReadOnlyList<double[]> x, IReadOnlyList<double> y, double lambda) =>
        Normal.Of(x, y).Solve(lambda, true).Press;

    /// <summary>
    /// One ridge per characteristic, each with its penalty chosen by leave-one-out (<see cref="Penalties"/>): column j
    /// of <paramref name="targets"/> (one row per sample) against <paramref name="x"/>; null for a characteristic no
    /// sample knows (its predictions are NaN, see <see cref="PredictEach"/>).
    /// </summary>
    public static Ridge?[] FitEach(IReadOnlyList<double[]> x, IReadOnlyList<double[]> targets) =>
        Enumerable.Range(0, targets.Count > 0 ? targets[0].Length : 0)
            .Select(j => targets.Any(t => double.IsFinite(t[j])) ? Fit(x, targets.Select(t => t[j]).ToList(),
                Penalties) : null)
            .ToArray();

    /// <summary>Each model's prediction for <paramref name="x"/>; NaN where there is no model.</summary>
    public static double[] PredictEach(IReadOnlyList<Ridge?> models, double[] x) =>
        models.Select(m => m?.Predict(x) ?? double.NaN).ToArray();

    public double Predict(double[] x)
    {
        var z = Standardize(x, _mean, _std);
        double s = _intercept;
        for (int i = 0; i < z.Length; i++) s += _w[i] * z[i];
        return s;
    }

    public static (double[] Mean, double[] Std) Scale(IReadOnlyList<double[]> rows, int d)
    {
        var mean = new double[d]; var std = new double[d];
        for (int k = 0; k < d; k++)
        {
            var v = rows.Select(r => r[k]).Where(double.IsFinite).ToArray();
            mean[k] = v.Length > 0 ? v.Average() : 0;
            double sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean[k]) * (x - mean[k])) / (v.Length - 1)) : 0;
            std[k] = sd > 1e-12 ? sd : 1;
        }
        return (mean, std);
    }

    public static double[] Standardize(double[] x, double[] mean, double[] std) =>
        x.Select((v, k) => double.IsFinite(v) ? (v - mean[k]) / std[k] : 0).ToArray();

    /// <summary>The z-scored samples with a finite target and their normal equations Z'Z, Z'(y - mean y).</summary>
    sealed class Normal(double[] mean, double[] std, double[][] z, double[] y, double yMean, double[,] gram,
        double[] zy)
    {
        public double[] Mean => mean;
        public double[] Std => std;
        public double YMean => yMean;

        public static Normal Of(IReadOnlyList<double[]> x, IReadOnlyList<double> y)
        {
            int d = x[0].Length;
            var ok = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(y[i])).ToArray();
            var (mean, std) = Scale(ok.Select(i => x[i]).ToList(), d);
            var z = ok.Select(i => Standardize(x[i], mean, std)).ToArray();
            var yy = ok.Select(i => y[i]).ToArray();
            double ym = yy.Average();
            var gram = new double[d, d]; var zy = new double[d];
            for (int r = 0; r < z.Length; r++)
                for (int i = 0; i < d; i++)
                {
                    zy[i] += z[r][i] * (yy[r] - ym);
                    for (int j = 0; j < d; j++) gram[i, j] += z[r][i] * z[r][j];
                }
            return new Normal(mean, std, z, yy, ym, gram, zy);
        }

        /// <summary>The weights for a penalty and, when asked, the leave-one-out sum of squared errors: the leverage of
        /// sample r is 1/n + |L^-1 z_r|^2 with Z'Z + lambda I = L L' (the intercept, the mean, is not
        /// penalized).</summary>
        public (double[] W, double Press) Solve(double lambda, bool press)
        {
            int d = zy.Length;
            var l = Cholesky.Factor(gram, lambda);
            var w = Cholesky.Back(l, Cholesky.Forward(l, zy));
            if (!press) return (w, double.NaN);
            double sum = 0;
            foreach (var (zr, yr) in z.Zip(y))
            {
                var v = Cholesky.Forward(l, zr);
                double h = 1.0 / z.Length, fit = yMean;
                for (int i = 0; i < d; i++) { h += v[i] * v[i]; fit += w[i] * zr[i]; }
                double e = (yr - fit) / Math.Max(1 - h, 1e-12);
                sum += e * e;
            }
            return (w, sum);
        }
    }
}
