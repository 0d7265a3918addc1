using Kgssl.Report;

namespace Kgssl.Tests.Report;

public class HeatmapOrderTests
{
    [Fact]
    public void PointsOnALineComeBackInTheirOrderAlongIt()
    {
        double[] x = [5, -2, 9, 0.5, 3, 7, -6];
        int n = x.Length;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) d[i, j] = Math.Abs(x[i] - x[j]);
        var order = ReportWriter.FirstPrincipalCoordinateOrder(d);
        var along = order.Select(i => x[i]).ToArray();
        var sorted = x.Order().ToArray();
        Assert.True(along.SequenceEqual(sorted) || along.SequenceEqual(sorted.Reverse()), string.Join(' ', along));
    }
}
