using Kgssl.Evaluation;

namespace Kgssl.Tests.Evaluation;

public class AnalogsTests
{
    // four pool basins on a line of head estimates; their true characteristics in other units
    static readonly string[] Ids = ["a", "b", "c", "d"];
    static readonly double[][] Positions = [[0.0], [1.0], [2.0], [10.0]];
    static readonly double[][] Values = [[100.0, 1], [200.0, double.NaN], [300.0, 3], [900.0, 9]];

    [Fact]
    public void TheNearestPoolBasinsLendTheirValuesWeightedByInverseDistance()
    {
        var analogs = new Analogs(Ids, Positions, Values, k: 2, power: 1);
        // at 0.5: a and b, both 0.5 away, weigh alike; b does not know the second characteristic, so a and c lend it
        // (weights 1 / 0.5 and 1 / 1.5)
        var e = analogs.Estimate([0.5]);
        Assert.Equal(150, e[0], 9);
        Assert.Equal((2 * 1 + 3 * (1 / 1.5)) / (2 + 1 / 1.5), e[1], 9);
    }

    [Fact]
    public void APoolBasinIsNeverItsOwnAnalog()
    {
        var analogs = new Analogs(Ids, Positions, Values, k: 1, power: 2);
        Assert.Equal(100, analogs.Estimate([0.0])[0], 9);
        Assert.Equal(200, analogs.Estimate([0.0], selfId: "a")[0], 9);   // b is the nearest other
    }

    [Fact]
    public void TheCorrectionIsTheMeanOfTheHeadAndItsAnalogs()
    {
        var analogs = new Analogs(Ids, Positions, [[100.0, double.NaN], [200.0, double.NaN], [300.0, double.NaN],
            [900.0, double.NaN]],
            k: 1, power: 3);
        // nobody knows the second characteristic: the head's own estimate stays
        Assert.Equal(new[] { 950.0, 7 }, analogs.Correct([1000, 7], [10.0]));   // d, 900
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Analogs(Ids, Positions, Values, k: 0, power: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Analogs(Ids, Positions, Values, k: 1, power: double.NaN));
        Assert.Throws<ArgumentException>(() => new Analogs(Ids, Positions[..2], Values, k: 1, power: 1));
    }
}
