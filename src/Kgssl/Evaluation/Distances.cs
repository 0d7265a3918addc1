namespace Kgssl.Evaluation;

/// <summary>Summary of how embedding-space distances mirror characteristic-space distances.</summary>
public sealed record DistanceSummary(double MantelR, double MantelP, double RowRMean, double RowRStd,
    double RowRMedian, int Basins, int Permutations);

/// <summary>
/// Pairwise Euclidean distances between basins in two spaces, their Mantel correlation (Mantel 1967; Pearson r
/// over the upper triangles, one-sided permutation p-value with a seeded shuffle of one matrix's basin order),
/// and per basin the Pearson r between its two distance rows (the KGSSL authors' figure).
/// </summary>
public static class Distances
{
    /// <summary>Euclidean distances; NaN coordinates are skipped and the sum rescaled to the full dimension.</summary>
    public static double[,] Euclidean(IReadOnlyList<double[]> points)
    {
        int n = points.Count;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = 0; int used = 0, dims = points[i].Length;
                for (int k = 0; k < dims; k++)
                {
                    double a = points[i][k], b = points[j][k];
                    if (double.IsFinite(a) && double.IsFinite(b)) { s += (a - b) * (a - b); used++; }
                }
                d[i, j] = d[j, i] = used > 0 ? Math.Sqrt(s * dims / used) : double.NaN;
            }
        return d;
    }

    public static DistanceSummary Compare(double[,] a, double[,] b, int permutations, int seed)
    {
        int n = a.GetLength(0);
        double observed = MantelR(a, b, Enumerable.Range(0, n).ToArray());
        // the permutations are drawn in sequence from the seed, then scored in parallel (the count does not depend
        // on the order): with thousands of basins the scoring was most of an evaluation's time
        var perms = new int[permutations][];
        var perm = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        for (int p = 0; p < permutations; p++)
        {
            rng.Shuffle(perm);
            perms[p] = (int[])perm.Clone();
        }
        int atLeast = 0;
        Data.Parallelism.For(permutations, p =>
        {
            if (MantelR(a, b, perms[p]) >= observed) Interlocked.Increment(ref atLeast);
        });
        double pValue = permutations > 0 ? (atLeast + 1.0) / (permutations + 1.0) : double.NaN;
        var rows = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var ra = new List<double>(); var rb = new List<double>();
            for (int j = 0; j < n; j++) if (j != i) { ra.Add(a[i, j]); rb.Add(b[i, j]); }
            double r = Metrics.Pearson(ra.ToArray(), rb.ToArray());
            if (double.IsFinite(r)) rows.Add(r);
        }
        double mean = rows.Count > 0 ? rows.Average() : double.NaN;
        double std = rows.Count > 1 ? Math.Sqrt(rows.Sum(r => (r - mean) * (r - mean)) / (rows.Count - 1)) : double.NaN;
        return new DistanceSummary(observed, pValue, mean, std, Metrics.Median(rows), n, permutations);
    }

    /// <summary>Pearson r between the upper triangle of a and that of b with b's basins reordered by perm.</summary>
    public static double MantelR(double[,] a, double[,] b, int[] perm)
    {
        int n = a.GetLength(0);
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0; long m = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double x = a[i, j], y = b[perm[i], perm[j]];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y; m++;
            }
        if (m < 2) return double.NaN;
        double cov = sab - sa * sb / m, va = saa - sa * sa / m, vb = sbb - sb * sb / m;
        return va > 0 && vb > 0 ? cov / Math.Sqrt(va * vb) : double.NaN;
    }
}
