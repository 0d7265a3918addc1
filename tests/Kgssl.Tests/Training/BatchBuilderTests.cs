using Kgssl.Data;
using Kgssl.Training;
using static TorchSharp.torch;

namespace Kgssl.Tests.Training;

public class BatchBuilderTests
{
    // two basins of 100 days, two drivers whose values name their basin, day and driver: 1000 b + 10 day + k
    static FeatureStore Store()
    {
        var start = new DateOnly(2000, 1, 1);
        var basins = Enumerable.Range(0, 2).Select(b => new BasinData($"b{b}",
            Enumerable.Range(0, 100).Select(i => start.AddDays(i)).ToArray(),
            Enumerable.Range(0, 200).Select(i => (float)(1000 * b + 10 * (i / 2) + i % 2)).ToArray(),
            Enumerable.Range(0, 100).Select(i => 1f + i % 5).ToArray(), [1.0], 0, 0, "t")).ToList();
        var data = new HydroDataset("test", "/", ["p", "t"], "q", ["c"], basins, [], []);
        var norm = Normalizer.Fit(data, ["b0", "b1"], start, start.AddDays(99), true);
        return new FeatureStore(data, norm);
    }

    [Fact]
    public void DriversWithContextHoldTheDaysBeforeEachWindowAndZerosBeforeThePeriod()
    {
        var store = Store();
        var builder = new BatchBuilder(store, 30, CPU);
        Window[] windows = [new(0, 10), new(1, 50)];
        int[] firstDay = [5, 0];
        using var scope = NewDisposeScope();
        var drivers = builder.DriversWithContext(windows, 20, firstDay);
        Assert.Equal(new long[] { 2, 50, 2 }, drivers.shape);
        var got = drivers.data<float>().ToArray();
        float Got(int w, int t, int k) => got[(w * 50 + t) * 2 + k];
        float Expected(int basin, int day, int k) => store.Features[basin][day * store.Channels + k];
        // window 0 starts on day 10 with 20 days of context: days -10..4 are before its period's first day 5
        for (int t = 0; t < 15; t++)
            for (int k = 0; k < 2; k++) Assert.Equal(0f, Got(0, t, k));
        for (int t = 15; t < 50; t++)
            for (int k = 0; k < 2; k++) Assert.Equal(Expected(0, t - 10, k), Got(0, t, k));
        // window 1 starts on day 50: its context is days 30..49, all in the period
        for (int t = 0; t < 50; t++)
            for (int k = 0; k < 2; k++) Assert.Equal(Expected(1, 30 + t, k), Got(1, t, k));
        // the last 30 days are the drivers of the windows the encoder reads
        var inputs = builder.Inputs(windows);
        Assert.Equal(inputs[.., .., ..2].contiguous().data<float>().ToArray(),
            drivers[.., 20.., ..].contiguous().data<float>().ToArray());
        // a second call with other windows leaves nothing of the first behind (the buffer is reused)
        var again = builder.DriversWithContext([new(1, 0), new(0, 70)], 20, [0, 0]).data<float>().ToArray();
        for (int t = 0; t < 20; t++) Assert.Equal(0f, again[t * 2]);
        Assert.Equal(Expected(0, 50, 1), again[(50 + 0) * 2 + 1]);
    }
}
