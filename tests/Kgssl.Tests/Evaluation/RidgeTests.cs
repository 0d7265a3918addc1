using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class RidgeTests
{
    static (List<double[]> X, List<double> Y) Sample(int n, double noise, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, n).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() * 10, rng.NextDouble(),
            rng.NextDouble() }).ToList();
        var y = x.Select(r => 3 * r[0] - 0.5 * r[1] + noise * (rng.NextDouble() - 0.5)).ToList();
        return (x, y);
    }

    [Fact]
    public void TheLeaveOneOutErrorEqualsRefitsWithoutEachSample()
    {
        var (x, y) = Sample(30, 4, 2);
        y[7] = double.NaN; // not a sample: left out of the fit and of the error
        double lambda = 3;
        var ok = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(y[i])).ToList();
        var (mean, std) = Ridge.Scale(ok.Select(i => x[i]).ToList(), 4);
        var z = x.Select(r => Ridge.Standardize(r, mean, std)).ToList();
        double press = 0;
        foreach (int i in ok)
        {
            // the intercept free, the weights penalized, on the features z-scored once over all samples
            var rest = ok.Where(j => j != i).ToList();
            var w = PenalizedLeastSquares(rest.Select(j => z[j]).ToList(), rest.Select(j => y[j]).ToList(), lambda);
            double fit = w[0] + z[i].Select((v, k) => v * w[k + 1]).Sum();
            press += (y[i] - fit) * (y[i] - fit);
        }
        Assert.Equal(press, Ridge.LeaveOneOutError(x, y, lambda), 8);
    }

    [Fact]
    public void ThePenaltyIsSmallWhereTheFeaturesCarryTheTargetAndLargeWhereTheyDoNot()
    {
        var (x, clean) = Sample(60, 0.01, 3);
        Assert.Equal(Ridge.Penalties[0], Ridge.Fit(x, clean, Ridge.Penalties).Penalty);
        var rng = new Random(4);
        var noise = x.Select(_ => rng.NextDouble()).ToList();
        var pure = Ridge.Fit(x, noise, Ridge.Penalties);
        Assert.True(pure.Penalty >= 100, $"penalty {pure.Penalty} on a target the features know nothing of");
        // one penalty given is that penalty
        Assert.Equal(7, Ridge.Fit(x, clean, 7).Penalty);
    }

    [Fact]
    public void EachCharacteristicGetsItsOwnPenaltyAndAnUnknownOneNoModel()
    {
        var (x, clean) = Sample(60, 0.01, 5);
        var rng = new Random(6);
        var targets = clean.Select(v => new[] { v, rng.NextDouble(), double.NaN }).ToList();
        var models = Ridge.FitEach(x, targets);
        Assert.Equal(Ridge.Penalties[0], models[0]!.Penalty);
        Assert.True(models[1]!.Penalty > models[0]!.Penalty);
        Assert.Null(models[2]);
        Assert.True(double.IsNaN(Ridge.PredictEach(models, x[0])[2]));
    }

    /// <summary>Minimizes sum (y - b0 - z w)^2 + lambda |w|^2 by its normal equations (b0 unpenalized).</summary>
    static double[] PenalizedLeastSquares(List<double[]> z, List<double> y, double lambda)
    {
        int d = z[0].Length + 1;
        var a = new double[d, d + 1];
        for (int r = 0; r < z.Count; r++)
        {
            double[] row = [1, .. z[r]];
            for (int i = 0; i < d; i++)
            {
                a[i, d] += row[i] * y[r];
                for (int j = 0; j < d; j++) a[i, j] += row[i] * row[j];
            }
        }
        for (int i = 1; i < d; i++) a[i, i] += lambda;
        for (int c = 0; c < d; c++)
            for (int r = 0; r < d; r++)
            {
                if (r == c) continue;
                double f = a[r, c] / a[c, c];
                for (int k = c; k <= d; k++) a[r, k] -= f * a[c, k];
            }
        return Enumerable.Range(0, d).Select(i => a[i, d] / a[i, i]).ToArray();
    }
}
