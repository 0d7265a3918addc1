using Kgssl.Evaluation;
using Kgssl.Hydrology;

namespace Kgssl.Tests.Evaluation;

public class FlowBandTests
{
    /// <summary>Flows from 0.5 to 20 mm/day, a third of them below 2, and observations off them by a log-normal
    /// factor of this sd, wider below 2 mm/day when <paramref name="lowSd"/> is given.</summary>
    static (double[] Sim, double[] Obs) Days(int n, double sd, int seed, double? lowSd = null)
    {
        var rng = new SeededRandom(seed);
        var sim = Enumerable.Range(0, n).Select(t => t % 3 == 0 ? rng.Uniform(0.5, 2) : rng.Uniform(2, 20)).ToArray();
        var obs = sim.Select(q => (q + 0.01) * Math.Exp((q < 2 && lowSd is { } l ? l : sd) * rng.Normal()) - 0.01)
            .ToArray();
        return (sim, obs);
    }

    [Fact]
    public void ItCoversNinetyPercentOfNewDaysWhenTheErrorsStayAlike()
    {
        var (sim, obs) = Days(3000, 0.3, 1);
        var band = FlowBand.Fit(sim, obs, classes: 1)!;
        Assert.Equal(-1.645 * 0.3, band.Low[0], 1);
        Assert.Equal(1.645 * 0.3, band.High[0], 1);
        var (later, seen) = Days(3000, 0.3, 2);
        var (lo, hi) = band.Around(later);
        Assert.InRange(FlowBand.Coverage(seen, lo, hi), 0.88, 0.92);
        Assert.All(Enumerable.Range(0, later.Length), t => Assert.True(lo[t] < later[t] && later[t] < hi[t]));
    }

    [Fact]
    public void ClassesOfSimulatedFlowGiveLowFlowsTheirOwnWiderBand()
    {
        var (sim, obs) = Days(3000, 0.1, 3, lowSd: 0.6);
        var band = FlowBand.Fit(sim, obs, classes: 3)!;
        Assert.Equal(2, band.Edges.Length);
        Assert.True(band.High[0] - band.Low[0] > 2 * (band.High[2] - band.Low[2]), $"{band}");
        // one class for all the days covers the low flows too little and the high ones too much
        var (later, seen) = Days(3000, 0.1, 4, lowSd: 0.6);
        var single = FlowBand.Fit(sim, obs, classes: 1)!;
        double Cover(FlowBand b, bool low)
        {
            var days = Enumerable.Range(0, later.Length).Where(t => later[t] < 2 == low).ToArray();
            var (lo, hi) = b.Around(days.Select(t => later[t]).ToArray());
            return FlowBand.Coverage(days.Select(t => seen[t]).ToArray(), lo, hi);
        }
        Assert.True(Cover(single, low: true) < 0.8 && Cover(single, low: false) > 0.97);
        Assert.InRange(Cover(band, low: true), 0.85, 0.95);
        Assert.InRange(Cover(band, low: false), 0.85, 0.95);
    }

    [Fact]
    public void TooFewObservedDaysGiveNoBandAndMissingDaysAreNotCounted()
    {
        var (sim, obs) = Days(250, 0.3, 5);
        Assert.Null(FlowBand.Fit(sim, obs.Select((v, t) => t < 160 ? double.NaN : v).ToArray()));
        // 250 days hold two classes of 100 at the most, whatever is asked
        Assert.Single(FlowBand.Fit(sim, obs, classes: 5)!.Edges);
        Assert.Equal(0.5, FlowBand.Coverage([1, double.NaN, 3], [0, 0, 0], [2, 2, 2]));
        // the band never goes below no flow
        var band = new FlowBand([], [-3], [1]);
        Assert.Equal(0, band.Around([0.0]).Low[0]);
    }
}
