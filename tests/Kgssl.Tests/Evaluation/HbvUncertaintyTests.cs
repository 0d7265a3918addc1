using Kgssl.Evaluation;
using Kgssl.Hydrology;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Evaluation;

public class HbvUncertaintyTests
{
    static readonly HbvParameters Truth = new(TT: 0.5, CFMAX: 3.5, FC: 220, LP: 0.6, BETA: 2.5, PERC: 1.2, UZL: 15,
        K0: 0.25, K1: 0.08, K2: 0.01, MAXBAS: 3.2);

    /// <summary>HBV's own flow with multiplicative log-normal noise, in a climate that never freezes (mean 25 degC):
    /// the snow parameters have nothing to act on.</summary>
    static HbvCalibration.Series Warm(double noise)
    {
        var w = WeatherGenerator.Generate(new Climate(30, 3.0, 0.2, 0.4, 25, 3), new DateOnly(1990, 10, 1), 365 * 5,
            new SeededRandom(5));
        var q = HbvModel.Run(Truth, w.Precipitation, w.Temperature, w.Pet).Runoff;
        var rng = new SeededRandom(9);
        var observed = q.Select(v => v * Math.Exp(noise * rng.Normal())).ToArray();
        return new HbvCalibration.Series(w.Precipitation, w.Temperature, w.Pet, observed);
    }

    static int Index(string name) => HbvParameters.Ranges.ToList().FindIndex(r => r.Name == name);

    [Fact]
    public void ParametersWithoutEffectKeepTheRangesSpreadAndSensitiveOnesAreNarrow()
    {
        var s = Warm(0.1);
        var sd = HbvUncertainty.UnitSd(Truth, s, 365, s.Streamflow.Length);
        double flat = 1 / Math.Sqrt(12);
        Assert.Equal(flat, sd[Index("TT")], 6);
        Assert.Equal(flat, sd[Index("CFMAX")], 6);
        foreach (var name in new[] { "FC", "K2", "MAXBAS" })
            Assert.True(sd[Index(name)] < flat / 3, $"{name}: sd {sd[Index(name)]}");
    }

    [Fact]
    public void AConstantFlowHasNoNseAndGivesNaNInsteadOfFailing()
    {
        var s = Warm(0.1);
        var dry = s with { Streamflow = s.Streamflow.Select(_ => 0.0).ToArray() };
        Assert.All(HbvUncertainty.UnitSd(Truth, dry, 365, dry.Streamflow.Length), v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void MoreNoiseWidensEverySensitiveParameter()
    {
        var calm = Warm(0.05);
        var noisy = Warm(0.3);
        var narrow = HbvUncertainty.UnitSd(Truth, calm, 365, calm.Streamflow.Length);
        var wide = HbvUncertainty.UnitSd(Truth, noisy, 365, noisy.Streamflow.Length);
        foreach (var name in new[] { "FC", "LP", "BETA", "PERC", "K1", "K2", "MAXBAS" })
            Assert.True(wide[Index(name)] > narrow[Index(name)],
                $"{name}: {narrow[Index(name)]} with noise 0.05, {wide[Index(name)]} with 0.3");
    }

    [Fact]
    public void OnScaleMultipliesByTheRangeOrItsLog10Width()
    {
        var fc = new HbvColumns.Column(Index("FC"), 0, "FC", false);
        Assert.Equal(0.1 * (500 - 50), HbvUncertainty.OnScale(fc, 0.4, 0.1), 6);
        var k2 = new HbvColumns.Column(Index("K2"), 0, "log10(K2)", true);
        Assert.Equal(0.1 * 2, HbvUncertainty.OnScale(k2, 0.4, 0.1), 6);
    }

    [Fact]
    public void LongRunCovarianceIsTheBartlettWeightedSumOfLaggedProducts()
    {
        var rng = new SeededRandom(3);
        var g = Enumerable.Range(0, 40).Select(_ => new[] { rng.Normal(), rng.Normal(), rng.Normal() }).ToArray();
        const int lags = 5;
        var fast = HbvUncertainty.LongRunCovariance(g, lags);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double direct = 0;
                for (int s = 0; s < g.Length; s++)
                    for (int t = 0; t < g.Length; t++)
                        if (Math.Abs(s - t) <= lags) direct += (1 - Math.Abs(s - t) / (lags + 1.0)) * g[s][i] * g[t][j];
                Assert.Equal(direct, fast[i, j], 9);
            }
    }

    [Fact]
    public void AcrossAGapInTheObservationsTheLagsCountInDays()
    {
        // observed days 0..19, then a gap of 10 days, then 30..49: with 5 lags the two blocks share no term, and
        // days 18 and 31 (13 days apart) are not neighbours however few observations lie between them
        var rng = new SeededRandom(4);
        var days = Enumerable.Range(0, 20).Concat(Enumerable.Range(30, 20)).ToArray();
        var g = days.Select(_ => new[] { rng.Normal(), rng.Normal() }).ToArray();
        const int lags = 5;
        var fast = HbvUncertainty.LongRunCovariance(g, days, lags);
        var first = HbvUncertainty.LongRunCovariance(g[..20], lags);
        var second = HbvUncertainty.LongRunCovariance(g[20..], lags);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double direct = 0;
                for (int s = 0; s < g.Length; s++)
                    for (int t = 0; t < g.Length; t++)
                        if (Math.Abs(days[s] - days[t]) <= lags)
                            direct += (1 - Math.Abs(days[s] - days[t]) / (lags + 1.0)) * g[s][i] * g[t][j];
                Assert.Equal(direct, fast[i, j], 9);
                Assert.Equal(first[i, j] + second[i, j], fast[i, j], 9);
            }
        // without gaps, the days change nothing
        var dense = Enumerable.Range(100, 40).ToArray();
        Assert.Equal(HbvUncertainty.LongRunCovariance(g, lags), HbvUncertainty.LongRunCovariance(g, dense, lags));
    }
}
