using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class MetricsTests
{
    static readonly double[] Obs = [1, 2, 3, 4, 5];
    static readonly double[] Sim = [2, 2, 4, 4, 6];

    [Fact]
    public void LogNseWeighsLowFlowsThatNseOnQHardlySees()
    {
        // a hydrograph right at its peak and twice too high in its low flows
        double[] obs = [.. Enumerable.Repeat(0.1, 9), 10], sim = [.. Enumerable.Repeat(0.2, 9), 10];
        Assert.True(Metrics.Nse(sim, obs) > 0.99);
        double expected = Metrics.Nse(sim.Select(q => Math.Log(q + 0.01)).ToArray(),
            obs.Select(q => Math.Log(q + 0.01)).ToArray());
        Assert.Equal(expected, Metrics.LogNse(sim, obs), 12);
        Assert.True(Metrics.LogNse(sim, obs) < 0.9);
        Assert.Equal(1, Metrics.LogNse(obs, obs), 12);
    }

    [Fact]
    public void ValuesWorkedOutByHand()
    {
        // sim - obs = [1,0,1,0,1]: SSE 3, RMSE sqrt(3/5); SST of obs = 10 -> NSE 0.7; bias 0.6
        Assert.Equal(Math.Sqrt(0.6), Metrics.Rmse(Sim, Obs), 12);
        Assert.Equal(0.7, Metrics.Nse(Sim, Obs), 12);
        Assert.Equal(0.7, Metrics.RSquared(Sim, Obs), 12);
        Assert.Equal(0.6, Metrics.Bias(Sim, Obs), 12);
        // Pearson: sum((s-3.6)(o-3)) = 3.2+1.6+0+0.4+4.8 = 10; sum (s-3.6)^2 = 11.2; sum (o-3)^2 = 10 -> 10 / sqrt(112)
        Assert.Equal(10 / Math.Sqrt(112), Metrics.Pearson(Sim, Obs), 12);
        // KGE: alpha = sd_s/sd_o = sqrt(11.2/10), beta = 3.6/3 = 1.2
        double r = 10 / Math.Sqrt(112), alpha = Math.Sqrt(1.12), beta = 1.2;
        Assert.Equal(1 - Math.Sqrt((r - 1) * (r - 1) + (alpha - 1) * (alpha - 1) + (beta - 1) * (beta - 1)),
            Metrics.Kge(Sim, Obs), 12);
    }

    [Fact]
    public void SpearmanUsesMidRanksForTies()
    {
        Assert.Equal([1.5, 1.5, 3.5, 3.5, 5], Metrics.Ranks([2, 2, 4, 4, 6]));
        // Pearson of ranks [1.5,1.5,3.5,3.5,5] vs [1..5]: mean 3; devs s=[-1.5,-1.5,.5,.5,2], o=[-2,-1,0,1,2]
        // sum s*o = 3+1.5+0+0.5+4 = 9; sum s^2 = 2.25+2.25+.25+.25+4 = 9; sum o^2 = 10 -> 9/sqrt(90)
        Assert.Equal(9 / Math.Sqrt(90), Metrics.Spearman(Sim, Obs), 12);
        Assert.Equal(1.0, Metrics.Spearman([1, 10, 100], [0.1, 0.2, 0.3]), 12);
    }

    [Fact]
    public void NaNPairsAreSkippedAndTooFewPairsGiveNaN()
    {
        double[] sim = [2, double.NaN, 2, 4, 4, 6];
        double[] obs = [1, 7, double.NaN, 2, 3, 4];
        Assert.Equal(Metrics.Pearson([2, 4, 4, 6], [1, 2, 3, 4]), Metrics.Pearson(sim, obs), 12);
        Assert.Equal(4, Metrics.ValidPairs(sim, obs));
        Assert.True(double.IsNaN(Metrics.Pearson([1, double.NaN], [1, 2])));
        Assert.True(double.IsNaN(Metrics.Nse([1], [1])));
        Assert.True(double.IsNaN(Metrics.Pearson([1, 1, 1], [1, 2, 3])));   // zero variance
        Assert.Throws<ArgumentException>(() => Metrics.Rmse([1, 2], [1]));
    }

    [Fact]
    public void MedianOfOddEvenAndNaN()
    {
        Assert.Equal(3, Metrics.Median([5, 1, 3]));
        Assert.Equal(2.5, Metrics.Median([4, 1, 3, 2, double.NaN]));
        Assert.True(double.IsNaN(Metrics.Median([double.NaN])));
    }

    [Fact]
    public void NseOfThePerfectAndTheMeanModel()
    {
        Assert.Equal(1.0, Metrics.Nse(Obs, Obs), 12);
        Assert.Equal(0.0, Metrics.Nse([3, 3, 3, 3, 3], Obs), 12);
        Assert.Equal(1.0, Metrics.Kge(Obs, Obs), 12);
    }

    [Fact]
    public void MantelIsOneForIdenticalMatricesAndRowRAgree()
    {
        var pts = new List<double[]> { new[] { 0.0, 0 }, new[] { 1.0, 0 }, new[] { 0.0, 2 }, new[] { 3.0, 3 },
            new[] { -1.0, 4 } };
        var d = Distances.Euclidean(pts);
        Assert.Equal(Math.Sqrt(5), d[1, 2], 12);
        var s = Distances.Compare(d, d, 99, 1);
        Assert.Equal(1.0, s.MantelR, 12);
        Assert.Equal(1.0, s.RowRMean, 12);
        Assert.True(s.MantelP <= 0.05);
        // the p-value counts the seed's chain of permutations (scored in parallel): the same as counting them in turn
        var rnd = new Random(5);
        var other = Distances.Euclidean(pts.Select(_ => new[] { rnd.NextDouble(), rnd.NextDouble() }).ToList());
        var perm = Enumerable.Range(0, pts.Count).ToArray();
        var chain = new Random(3);
        double observed = Distances.MantelR(d, other, Enumerable.Range(0, pts.Count).ToArray());
        int atLeast = 0;
        for (int k = 0; k < 99; k++) { chain.Shuffle(perm); if (
            Distances.MantelR(d, other, perm) >= observed) atLeast++; }
        Assert.Equal((atLeast + 1) / 100.0, Distances.Compare(d, other, 99, 3).MantelP, 12);
        Assert.InRange(atLeast, 1, 98);   // a mixed outcome, so the count is tested
        var scaled = Distances.Euclidean(pts.Select(p => p.Select(v => 3 * v).ToArray()).ToList());
        Assert.Equal(1.0, Distances.Compare(d, scaled, 0, 1).MantelR, 12);
    }
}
