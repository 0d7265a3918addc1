using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class GaugeCoordinatesTests
{
    [Theory]
    [InlineData(true, -90, true)]
    [InlineData(true, 90, true)]
    [InlineData(true, 90.01, false)]
    [InlineData(true, double.NaN, true)]
    [InlineData(false, -180, true)]
    [InlineData(false, 359.9, true)]
    [InlineData(false, -180.5, false)]
    [InlineData(false, 360.5, false)]
    public void RangesAreDegreesAndAnAbsentCoordinateIsNotWrong(bool latitude, double degrees, bool fine) =>
        Assert.Equal(fine, GaugeCoordinates.Problem(latitude, degrees) is null);

    [Fact]
    public void ValidNeedsBothCoordinatesPresentAndInRange()
    {
        Assert.True(GaugeCoordinates.Valid(44.6, -67.9));
        Assert.False(GaugeCoordinates.Valid(double.NaN, -67.9));
        Assert.False(GaugeCoordinates.Valid(44.6, double.PositiveInfinity));
        Assert.False(GaugeCoordinates.Valid(-91, 10));
    }
}
