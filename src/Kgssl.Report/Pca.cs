namespace Kgssl.Report;

/// <summary>Principal components by power iteration with deflation on the covariance matrix (small
/// dimensions).</summary>
public static class Pca
{
    /// <summary>Projects rows onto the first <paramref name="components"/> principal axes.</summary>
    public static double[][] Project(IReadOnlyList<double[]> rows, int components = 2)
    {
        int n = rows.Count, d = rows[0].Length;
        var mean = new double[d];
        foreach (var r in rows) for (int k = 0; k < d; k++) mean[k] += r[k] / n;
        var cov = new double[d, d];
        foreach (var r in rows)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) cov[a, b] += (r[a] - mean[a]) * (r[b] - mean[b]) / Math.Max(1, n - 1);
        var axes = new List<double[]>();
        for (int c = 0; c < Math.Min(components, d); c++)
        {
            var v = Enumerable.Range(0, d).Select(i => 1.0 / Math.Sqrt(d) + 1e-3 * i).ToArray();
            double lambda = 0;
            for (int it = 0; it < 500; it++)
            {
                var w = new double[d];
                for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) w[a] += cov[a, b] * v[b];
                double norm = Math.Sqrt(w.Sum(x => x * x));
                if (norm < 1e-15) break;
                for (int a = 0; a < d; a++) w[a] /= norm;
                lambda = norm;
                v = w;
            }
            axes.Add(v);
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[a, b] -= lambda * v[a] * v[b];
        }
        return rows.Select(r => axes.Select(ax => Enumerable.Range(0, d).Sum(k => (r[k] - mean[k]) * ax[k])).ToArray())
            .ToArray();
    }
}
