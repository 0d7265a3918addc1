using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class InverseDistanceTests
{
    [Fact]
    public void TiesOfDistanceGoToTheLowerIdWhateverThePoolsOrder()
    {
        double[] distance = [2, 1, 1];
        double[][] values = [[30.0], [20.0], [10.0]];
        Assert.Equal(10, InverseDistance.Mean(distance, ["c", "b", "a"], values, 1, 1, null)[0]);
        Assert.Equal(20, InverseDistance.Mean(distance, ["c", "a", "b"], values, 1, 1, null)[0]);
    }

    [Fact]
    public void TheKNearestThatKnowAValueLendItAndTheTargetNeverLendsToItself()
    {
        double[] distance = [1, 2, 4, 8];
        double[][] values = [[1.0], [double.NaN], [3.0], [5.0]];
        // "a" is the target itself and "b" does not know the value: "c" and "d" lend, weights 1/4 and 1/8
        Assert.Equal((3 / 4.0 + 5 / 8.0) / (1 / 4.0 + 1 / 8.0),
            InverseDistance.Mean(distance, ["a", "b", "c", "d"], values, 2, 1, "a")[0], 12);
        // squared: weights 1/16 and 1/64
        Assert.Equal((3 / 16.0 + 5 / 64.0) / (1 / 16.0 + 1 / 64.0),
            InverseDistance.Mean(distance, ["a", "b", "c", "d"], values, 2, 2, "a")[0], 12);
        // a pool of the target alone lends nothing
        Assert.True(double.IsNaN(InverseDistance.Mean([1.0], ["a"], [[1.0]], 1, 1, "a")[0]));
    }
}
