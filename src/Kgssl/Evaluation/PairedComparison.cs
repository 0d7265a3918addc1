namespace Kgssl.Evaluation;

/// <summary>
/// Two methods scored on the same basins, compared basin by basin and by their medians. The difference of two
/// medians over a few hundred basins moves with which basins happen to sit near the middle; a paired bootstrap over
/// the basins (Efron and Tibshirani 1993, percentile interval) says how far, so a gap can be read against it.
/// </summary>
/// <param name="N">Basins where both scores are finite.</param>
/// <param name="MedianDifference">Median over the basins of a - b.</param>
/// <param name="ShareBetter">Share of the basins where a &gt; b.</param>
/// <param name="DifferenceOfMedians">median(a) - median(b).</param>
/// <param name="Low">2.5 % point of the bootstrap distribution of the difference of the medians.</param>
/// <param name="High">97.5 % point of it.</param>
/// <param name="ShareAtLeastEven">Share of the bootstrap resamples where median(a) &gt;= median(b).</param>
public sealed record PairedComparison(int N, double MedianDifference, double ShareBetter, double DifferenceOfMedians,
    double Low, double High, double ShareAtLeastEven)
{
    public const int Resamples = 2000;

    /// <param name="a">Per basin, the first method's score.</param>
    /// <param name="b">Per basin, the second method's score (the same basins in the same order).</param>
    /// <param name="seed">Of the resampling: the same scores and seed give the same interval.</param>
    public static PairedComparison Of(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed)
    {
        if (a.Count != b.Count) throw new ArgumentException($"one score per basin each, got {a.Count} and {b.Count}");
        var pairs = a.Zip(b).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        int n = pairs.Length;
        if (n == 0) return new PairedComparison(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            double.NaN);
        var x = pairs.Select(p => p.First).ToArray();
        var y = pairs.Select(p => p.Second).ToArray();
        var rng = new Random(seed);
        var diffs = new double[Resamples];
        double[] rx = new double[n], ry = new double[n];
        for (int r = 0; r < Resamples; r++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = rng.Next(n);
                (rx[i], ry[i]) = (x[k], y[k]);
            }
            diffs[r] = Metrics.Median(rx) - Metrics.Median(ry);
        }
        return new PairedComparison(n, Metrics.Median(pairs.Select(p => p.First - p.Second)),
            pairs.Count(p => p.First > p.Second) / (double)n, Metrics.Median(x) - Metrics.Median(y),
            Signatures.Quantile(diffs, 0.025), Signatures.Quantile(diffs, 0.975),
            diffs.Count(d => d >= 0) / (double)Resamples);
    }
}
