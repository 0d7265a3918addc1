using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class StaticsCorruptionTests
{
    [Theory]
    [InlineData(0.5, 0.1)]
    [InlineData(2.0, 0.5)]
    [InlineData(1.0, 1.0)]
    public void ChangesExactlyTheChosenFractionOfBasinsByTheChosenStd(double std, double fraction)
    {
        var rng = new Random(5);
        var statics = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 30).Select(_ => rng.NextDouble())
            .ToArray()).ToList();
        var (noisy, corrupted) = StaticsCorruption.Apply(statics, std, fraction, 9);
        int changed = Enumerable.Range(0, 200).Count(b => !noisy[b].SequenceEqual(statics[b]));
        Assert.Equal((int)Math.Round(fraction * 200), changed);
        Assert.Equal(changed, corrupted.Count);
        var diffs = corrupted.SelectMany(b => noisy[b].Zip(statics[b], (x, y) => x - y)).ToArray();
        double mean = diffs.Average(), sd = Math.Sqrt(diffs.Sum(d => (d - mean) * (d - mean)) / (diffs.Length - 1));
        Assert.InRange(sd, std * 0.9, std * 1.1);       // >= 600 draws: the sample sd is within 10 %
        Assert.InRange(mean, -0.15 * std, 0.15 * std);
        Assert.All(Enumerable.Range(0, 200).Where(b => !corrupted.Contains(b)),
            b => Assert.Equal(statics[b], noisy[b]));
        var again = StaticsCorruption.Apply(statics, std, fraction, 9).Statics;
        Assert.All(Enumerable.Range(0, 200), b => Assert.Equal(noisy[b], again[b]));
    }

    [Fact]
    public void RandomStaticsAreFixedPerSeedAndStandardNormal()
    {
        var a = StaticsCorruption.Random(300, 10, 1);
        Assert.Equal(a, StaticsCorruption.Random(300, 10, 1));
        var all = a.SelectMany(r => r).ToArray();
        Assert.InRange(all.Average(), -0.1, 0.1);
        Assert.InRange(Math.Sqrt(all.Select(v => v * v).Average()), 0.95, 1.05);
    }
}
