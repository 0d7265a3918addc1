using Kgssl.Hydrology;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Hydrology;

public class HbvModelTests
{
    static HbvParameters Params(double fc = 250) => new(TT: 0, CFMAX: 3, FC: fc, LP: 0.7, BETA: 2, PERC: 1, UZL: 20,
        K0: 0.2, K1: 0.05, K2: 0.01, MAXBAS: 2.5);

    static Weather Climate(double meanP, int years, int seed) =>
        WeatherGenerator.Generate(new Climate(40, meanP, 0.2, 0.35, 6, 12), new DateOnly(1990, 1, 1), 365 * years,
            new SeededRandom(seed));

    [Fact]
    public void WaterIsConserved()
    {
        var w = Climate(3, 6, 1);
        var r = HbvModel.Run(Params(), w.Precipitation, w.Temperature, w.Pet);
        double p = w.Precipitation.Sum(), et = r.Evapotranspiration.Sum(), q = r.Runoff.Sum();
        double residual = p - et - q - (r.FinalStorage - r.InitialStorage);
        Assert.True(Math.Abs(residual) < 1e-8 * p,
            $"P {p} = ET {et} + Q {q} + dS {r.FinalStorage - r.InitialStorage} off by {residual}");
        Assert.True(q > 0 && et > 0);
        Assert.Contains(w.Temperature, t => t < 0); // the snow routine was exercised
    }

    [Fact]
    public void WaterIsConservedFromGivenInitialStoragesAndTheyCount()
    {
        var w = Climate(3, 6, 1);
        var start = new HbvStates(SoilFraction: 0.9, UpperBox: 40, LowerBox: 300, Snow: 120);
        var r = HbvModel.Run(Params(), w.Precipitation, w.Temperature, w.Pet, start);
        // soil 0.9 FC + 40 + 300 + 120 mm of snow (no liquid water in the pack yet)
        Assert.Equal(0.9 * Params().FC + 40 + 300 + 120, r.InitialStorage, 9);
        double p = w.Precipitation.Sum(), residual = p - r.Evapotranspiration.Sum() - r.Runoff.Sum()
            - (r.FinalStorage - r.InitialStorage);
        Assert.True(Math.Abs(residual) < 1e-8 * p, $"off by {residual}");
        // a fuller lower box drains into the first days' runoff: more than from the default storages
        var d = HbvModel.Run(Params(), w.Precipitation, w.Temperature, w.Pet);
        Assert.True(r.Runoff.Take(30).Sum() > d.Runoff.Take(30).Sum());
        Assert.Equal(d.Runoff, HbvModel.Run(Params(), w.Precipitation, w.Temperature, w.Pet, HbvStates.Default).Runoff);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.7)]
    [InlineData(5.0)]
    public void ARunContinuedFromTheStoragesItEndedWithIsTheRunInOneGo(double maxbas)
    {
        // snowy and wet: every storage, the pack's liquid water and the routing hold water at the cut
        var w = Climate(4, 4, 3);
        var p = Params() with { MAXBAS = maxbas };
        int n = w.Precipitation.Length;
        HbvResult First(int days) => HbvModel.Run(p, w.Precipitation[..days], w.Temperature[..days], w.Pet[..days]);
        // a cut in the melt, when the pack holds liquid water
        int cut = Enumerable.Range(700, 400).First(d => First(d).End is { Snow: > 0, Liquid: > 0 });
        var whole = HbvModel.Run(p, w.Precipitation, w.Temperature, w.Pet);
        var first = First(cut);
        var then = HbvModel.Run(p, w.Precipitation[cut..], w.Temperature[cut..], w.Pet[cut..],
            first.End.ToStates(p));
        Assert.True(first.End.Snow > 0 && first.End.Liquid > 0 && first.End.Routing > 0, $"{first.End}");
        Assert.Equal(first.End.Total, then.InitialStorage, 9);
        Assert.Equal(first.End.Routing, first.End.Pending.Sum(), 12);
        Assert.Equal(HbvModel.TriangularWeights(maxbas).Length, first.End.Pending.Length);
        for (int t = 0; t < n - cut; t++) Assert.Equal(whole.Runoff[cut + t], then.Runoff[t], 9);
        Assert.Equal(whole.End.Total, then.End.Total, 9);
        // without the routing's water under way the first days come out short
        var dropped = HbvModel.Run(p, w.Precipitation[cut..], w.Temperature[cut..], w.Pet[cut..],
            first.End.ToStates(p) with { Routing = [] });
        Assert.True(dropped.Runoff[0] < then.Runoff[0]);
    }

    [Fact]
    public void RaisingFieldCapacityLowersAnnualRunoffInADryClimate()
    {
        var w = Climate(1.2, 8, 2);
        double low = HbvModel.Run(Params(fc: 100), w.Precipitation, w.Temperature, w.Pet).Runoff.Skip(365).Sum();
        double high = HbvModel.Run(Params(fc: 450), w.Precipitation, w.Temperature, w.Pet).Runoff.Skip(365).Sum();
        Assert.True(high < 0.9 * low, $"runoff with FC 450 ({high:F0} mm) should be well below FC 100 ({low:F0} mm)");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(4.2)]
    public void TriangularRoutingWeightsSumToOneAndSpanMaxbas(double maxbas)
    {
        var w = HbvModel.TriangularWeights(maxbas);
        Assert.Equal(1.0, w.Sum(), 12);
        Assert.Equal((int)Math.Ceiling(maxbas), w.Length);
        Assert.All(w, v => Assert.True(v > 0));
    }

    [Fact]
    public void HamonPetMatchesAHandValue()
    {
        // T = 20 degC, 14 h: e_s = 0.611 exp(17.27*20/257.3) = 0.611 * 3.82825 = 2.33906 kPa; PET = 29.8 * 14 * 2.33906
        // / 293.2 = 3.3283 mm/day
        Assert.Equal(3.3283, Pet.Hamon(20, 14), 4);
        Assert.Equal(12, Pet.DayLengthHours(0, 80), 1);            // equator
        Assert.True(Pet.DayLengthHours(45, 172) > 15);             // mid-latitude summer solstice
    }

    [Fact]
    public void TheSameSeedWritesTheSameBytesAndAnotherSeedDoesNot()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(a.Path, 6, 3, 11, NoiseSd: 0.1));
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(b.Path, 6, 3, 11, NoiseSd: 0.1));
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(c.Path, 6, 3, 12, NoiseSd: 0.1));
        var files = Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(a.Path, f)).Order().ToArray();
        Assert.Equal(8, files.Length); // 6 series, attributes, ensemble.json
        foreach (var f in files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, f)), File.ReadAllBytes(Path.Combine(b.Path, f)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.Path, "timeseries/csv/synthetic/synthetic_0001.csv")),
            File.ReadAllBytes(Path.Combine(c.Path, "timeseries/csv/synthetic/synthetic_0001.csv")));
    }

    [Fact]
    public void UnscaleInvertsScaleOnLinearAndLogRangesAndClampsOutside()
    {
        foreach (var r in HbvParameters.Ranges)
            foreach (var u in new[] { 0.0, 0.137, 0.5, 0.9, 1.0 })
                Assert.Equal(u, LatinHypercube.Unscale(LatinHypercube.Scale(u, r), r), 12);
        var k2 = HbvParameters.Ranges.Single(r => r.Name == "K2");
        // 0.001..0.1 log-uniform: 0.01 is halfway
        Assert.Equal(0.5, LatinHypercube.Unscale(0.01, k2), 12);
        Assert.Equal(0, LatinHypercube.Unscale(0.0001, k2));
        Assert.Equal(1, LatinHypercube.Unscale(5, k2));
        double[] unit = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.05, 0.95];
        Assert.All(unit.Zip(HbvParameters.FromUnit(unit).ToUnit()), p => Assert.Equal(p.First, p.Second, 12));
    }

    [Fact]
    public void LatinHypercubeHitsEveryStratumOnce()
    {
        var pts = LatinHypercube.Sample(10, 3, new SeededRandom(3));
        for (int d = 0; d < 3; d++)
            Assert.Equal(Enumerable.Range(0, 10), pts.Select(p => (int)(p[d] * 10)).Order());
        var k2 = HbvParameters.Ranges.Single(r => r.Name == "K2");
        Assert.Equal(0.01, LatinHypercube.Scale(0.5, k2), 9); // log-uniform midpoint of 0.001..0.1
    }
}
