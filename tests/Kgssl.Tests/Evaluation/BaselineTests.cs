using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class BaselineTests
{
    [Fact]
    public void RidgeWithTinyLambdaRecoversALinearRelation()
    {
        var rng = new Random(1);
        var x = Enumerable.Range(0, 50).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() * 10, rng.NextDouble() })
            .ToList();
        var y = x.Select(r => 3 * r[0] - 0.5 * r[1] + 2).ToList();
        var model = Ridge.Fit(x, y, 1e-9);
        Assert.Equal(3 * 0.2 - 0.5 * 4 + 2, model.Predict([0.2, 4, 0.7]), 6);
    }

    [Fact]
    public void QuantilesAndBaseflowIndexByHand()
    {
        Assert.Equal(2.5, Signatures.Quantile([4, 1, 3, 2], 0.5), 12);   // type 7: between 2 and 3
        Assert.Equal(3.85, Signatures.Quantile([1, 2, 3, 4], 0.95), 12); // 1 + 0.95 * 3 = 3.85 -> 3 + 0.85
        Assert.Equal(1.0, Signatures.BaseflowIndex([2, 2, 2, 2, 2]), 12); // constant flow is all baseflow
        Assert.True(Signatures.BaseflowIndex([1, 1, 10, 3, 1, 1, 1]) < 0.8);
    }

    [Fact]
    public void SignaturesOfASimpleSeries()
    {
        var dates = Enumerable.Range(0, 365).Select(i => new DateOnly(2001, 1, 1).AddDays(i)).ToArray();
        var p = dates.Select((_, i) => i % 10 == 0 ? 20.0 : 0.0).ToArray();
        var t = dates.Select(_ => 5.0).ToArray();
        var q = dates.Select(_ => 1.0).ToArray();
        var s = Signatures.Compute(dates, p, t, null, q);
        Assert.Equal(Signatures.Names.Length, s.Length);
        double pm = 37 * 20 / 365.0;
        Assert.Equal(pm, s[Array.IndexOf(Signatures.Names, "p_mean")], 9);
        Assert.Equal(1 / pm, s[Array.IndexOf(Signatures.Names, "runoff_ratio")], 9);
        Assert.Equal(0, s[Array.IndexOf(Signatures.Names, "snow_frac")]);
        Assert.True(double.IsNaN(s[Array.IndexOf(Signatures.Names, "pet_mean")]));
        Assert.Equal(1.0, s[Array.IndexOf(Signatures.Names, "p_high_dur")]);
    }

    [Fact]
    public void EveryMethodIsScoredOnBothProtocolsAndTheSpatialOnesNeedCoordinates()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(data, 10, 3, 4));
        var cfg = Kgssl.Tests.Training.TrainerTests.Tiny(data, 1);
        var loaded = Kgssl.Data.DatasetLoader.Load(cfg.Data, useCache: false).Data;
        var result = Baseline.Run(cfg, loaded);
        Assert.Equal(Baseline.Methods, result.Rows.Keys);
        Assert.Empty(result.Notes);
        int k = loaded.CharacteristicCount;
        Assert.All(result.Rows.Values, rows => Assert.Equal(2 * k, rows.Count));
        // every basin predicted once per method in the held-out protocol, by the fold that held it out
        var heldout = result.Predictions.Where(p => p.Set == "heldout" && p.Method == Baseline.Neighbours).ToList();
        Assert.Equal(loaded.Basins.Select(b => b.Id).Order(), heldout.Select(p => p.Id).Order());
        Assert.Equal(5, heldout.Select(p => p.Fold).Distinct().Count());

        var noCoordinates = loaded with { Basins = [.. loaded.Basins.Select((b, i) => i == 0
            ? b with { Latitude = double.NaN } : b)] };
        var partial = Baseline.Run(cfg, noCoordinates);
        Assert.Equal([Baseline.Ridge, Baseline.Fingerprint], partial.Rows.Keys);
        Assert.Equal("neighbours and stacked left out: 1 basins have no gauge coordinates",
            Assert.Single(partial.Notes));
    }
}
