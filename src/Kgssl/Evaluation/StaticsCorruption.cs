namespace Kgssl.Evaluation;

/// <summary>
/// Noisy catalogued characteristics: Gaussian noise of std <c>s</c> (z-score units) added to every
/// characteristic of a seeded fraction <c>f</c> of the basins; the other basins keep theirs untouched.
/// </summary>
public static class StaticsCorruption
{
    public static (double[][] Statics, HashSet<int> Corrupted) Apply(IReadOnlyList<double[]> zStatics, double std,
        double fraction, int seed)
    {
        var rng = new Random(seed);
        int n = zStatics.Count, count = (int)Math.Round(fraction * n);
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order);
        var corrupted = order.Take(count).ToHashSet();
        var result = new double[n][];
        for (int b = 0; b < n; b++)
        {
            result[b] = (double[])zStatics[b].Clone();
            if (!corrupted.Contains(b)) continue;
            for (int k = 0; k < result[b].Length; k++)
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                result[b][k] += std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
        }
        return (result, corrupted);
    }

    /// <summary>One fixed N(0, 1) vector per basin (Li et al. 2022's random-statics baseline).</summary>
    public static double[][] Random(int basins, int dims, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, basins).Select(_ => Enumerable.Range(0, dims).Select(_ =>
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }).ToArray()).ToArray();
    }
}
