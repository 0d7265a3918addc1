using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class PairedComparisonTests
{
    [Fact]
    public void AShiftEveryBasinSharesIsTheDifferenceAtEveryResample()
    {
        var b = Enumerable.Range(0, 51).Select(i => Math.Sin(i) * 0.3 + 0.5).ToList();
        var a = b.Select(v => v + 0.1).ToList();
        var c = PairedComparison.Of(a, b, 3);
        Assert.Equal(51, c.N);
        Assert.Equal(0.1, c.MedianDifference, 12);
        Assert.Equal(1.0, c.ShareBetter);
        Assert.Equal(0.1, c.DifferenceOfMedians, 12);
        // each resample draws the same basins for both methods: the shift survives every one
        Assert.Equal(0.1, c.Low, 12);
        Assert.Equal(0.1, c.High, 12);
        Assert.Equal(1.0, c.ShareAtLeastEven);
    }

    [Fact]
    public void TiedMethodsGetAnIntervalAroundZeroAndTheSameSeedTheSameInterval()
    {
        var rng = new Random(5);
        var b = Enumerable.Range(0, 400).Select(_ => rng.NextDouble()).ToList();
        // a: b with noise of mean zero, as two searches that reach the same fit and differ on the test years
        var a = b.Select(v => v + 0.05 * (rng.NextDouble() - 0.5)).ToList();
        var c = PairedComparison.Of(a, b, 9);
        Assert.True(c.Low < 0 && c.High > 0, $"[{c.Low}, {c.High}]");
        Assert.InRange(c.ShareAtLeastEven, 0.05, 0.95);
        Assert.Equal(c, PairedComparison.Of(a, b, 9));
        Assert.NotEqual(c.Low, PairedComparison.Of(a, b, 10).Low);
    }

    [Fact]
    public void BasinsWithoutBothScoresAreLeftOutAndMismatchedListsRefused()
    {
        var c = PairedComparison.Of([0.5, double.NaN, 0.7, 0.2], [0.4, 0.3, double.NaN, 0.1], 1);
        Assert.Equal(2, c.N);
        Assert.Equal(0.1, c.MedianDifference, 12);
        Assert.True(double.IsNaN(PairedComparison.Of([double.NaN], [0.1], 1).DifferenceOfMedians));
        Assert.Contains("one score per basin", Assert.Throws<ArgumentException>(() =>
            PairedComparison.Of([0.1, 0.2], [0.1], 1)).Message);
    }
}
