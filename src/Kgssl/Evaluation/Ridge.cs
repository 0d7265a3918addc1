namespace Kgssl.Evaluation;

/// <summary>
/// Ridge regression on z-scored features (Hoerl and Kennard 1970): w = (X'X + lambda I)^-1 X'y, intercept
/// the training mean. NaN features are imputed with the training mean (0 after z-scoring).
/// </summary>
public sealed class Ridge
{
    readonly double[] _mean, _std, _w;
    readonly double _intercept;

    Ridge(double[] mean, double[] std, double[] w, double intercept) { _mean = mean; _std = std; _w = w;
        _intercept = intercept; }

    public static Ridge Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, double lambda)
    {
        int d = x[0].Length;
        var ok = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(y[i])).ToArray();
        var (mean, std) = Scale(ok.Select(i => x[i]).ToList(), d);
        var z = ok.Select(i => Standardize(x[i], mean, std)).ToArray();
        double ym = ok.Average(i => y[i]);
        var a = new double[d, d]; var b = new double[d];
        for (int r = 0; r < z.Length; r++)
            for (int i = 0; i < d; i++)
            {
                b[i] += z[r][i] * (y[ok[r]] - ym);
                for (int j = 0; j < d; j++) a[i, j] += z[r][i] * z[r][j];
            }
        for (int i = 0; i < d; i++) a[i, i] += lambda;
        return new Ridge(mean, std, Solve(a, b), ym);
    }

    /// <summary>
    /// One ridge per characteristic: column j of <paramref name="targets"/> (one row per sample) against
    /// <paramref name="x"/>; null for a characteristic no sample knows (its predictions are NaN, see
    /// <see cref="PredictEach"/>).
    /// </summary>
    public static Ridge?[] FitEach(IReadOnlyList<double[]> x, IReadOnlyList<double[]> targets, double lambda) =>
        Enumerable.Range(0, targets.Count > 0 ? targets[0].Length : 0)
            .Select(j => targets.Any(t => double.IsFinite(t[j])) ? Fit(x, targets.Select(t => t[j]).ToList(), lambda)
                : null)
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

    /// <summary>Gaussian elimination with partial pivoting (the matrix is symmetric positive definite).</summary>
    static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone(); var v = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[p, c])) p = r;
            if (p != c) { for (int k = 0; k < n; k++) (m[c, k], m[p, k]) = (m[p, k], m[c, k]);
                (v[c], v[p]) = (v[p], v[c]); }
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int k = c; k < n; k++) m[r, k] -= f * m[c, k];
                v[r] -= f * v[c];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int k = r + 1; k < n; k++) s -= m[r, k] * x[k];
            x[r] = s / m[r, r];
        }
        return x;
    }
}
