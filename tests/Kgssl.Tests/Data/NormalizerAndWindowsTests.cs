using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class NormalizerAndWindowsTests
{
    static HydroDataset Synthetic(int basins, int days, Func<int, int, float> q, DateOnly? start = null)
    {
        var s = start ?? new DateOnly(2000, 1, 1);
        var list = new List<BasinData>();
        for (int b = 0; b < basins; b++)
        {
            var dates = Enumerable.Range(0, days).Select(i => s.AddDays(i)).ToArray();
            var drivers = Enumerable.Range(0, days).Select(i => (float)(b + i % 7)).ToArray();
            var response = Enumerable.Range(0, days).Select(i => q(b, i)).ToArray();
            list.Add(new BasinData($"b{b}", dates, drivers, response, [b * 10.0, b % 2 == 0 ? double.NaN : 1.0], 0, 0,
                "t"));
        }
        return new HydroDataset("test", "/", ["p"], "q", ["c1", "c2"], list, [], []);
    }

    [Fact]
    public void StatisticsComeFromTrainingBasinsAndYearsOnly()
    {
        var start = new DateOnly(2000, 1, 1);
        var a = Synthetic(4, 100, (b, i) => 1 + b + i % 3);
        var b2 = Synthetic(4, 100, (b, i) => i >= 50 ? 1000f : 1 + b + i % 3); // test-period days changed
        var c = Synthetic(4, 100, (b, i) => b == 3 ? 500f : 1 + b + i % 3);    // a non-training basin changed
        DateOnly trainEnd = start.AddDays(49);
        string[] train = ["b0", "b1", "b2"];
        var na = Normalizer.Fit(a, train, start, trainEnd, true);
        Assert.Equal(na, Normalizer.Fit(b2, train, start, trainEnd, true), new NormalizerComparer());
        Assert.Equal(na, Normalizer.Fit(c, train, start, trainEnd, true), new NormalizerComparer());
        Assert.NotEqual(na.ResponseMean, Normalizer.Fit(b2, train, start, start.AddDays(99), true).ResponseMean);
        // hand check: driver b + i % 7 over b in {0,1,2}, i in 0..49
        double expected = Enumerable.Range(0, 3).SelectMany(b => Enumerable.Range(0, 50)
            .Select(i => (double)(b + i % 7))).Average();
        Assert.Equal(expected, na.DriverMean[0], 9);
        Assert.Equal(10.0, na.CharacteristicMean[0], 9);   // 0, 10, 20
        Assert.Equal(1.0, na.CharacteristicMean[1], 9);    // only b1 has c2
        Assert.Equal(Math.Log10(1.5 + 0.005), Normalizer.TransformResponse(1.5, true), 12);
        Assert.Equal(2.5, na.DenormalizeResponse(na.NormalizeResponse(2.5f)), 5);
    }

    [Fact]
    public void NormalizerSurvivesASaveAndLoad()
    {
        using var dir = new TempDir();
        var n = Normalizer.Fit(Synthetic(3, 30, (b, i) => 1), ["b0", "b1"], new DateOnly(2000, 1, 1),
            new DateOnly(2000, 1, 30), false);
        n.Save(dir.Sub("n.json"));
        Assert.Equal(n, Normalizer.Load(dir.Sub("n.json")), new NormalizerComparer());
    }

    [Fact]
    public void AMissingResponseBecomesZeroWithAnIndicatorAndNeverNaN()
    {
        var data = Synthetic(2, 40, (b, i) => i == 5 ? float.NaN : 2f);
        var other = Synthetic(2, 40, (b, i) => i == 5 ? float.NaN : 2f);
        var norm = Normalizer.Fit(data, ["b0", "b1"], new DateOnly(2000, 1, 1), new DateOnly(2000, 2, 9), true);
        var store = new FeatureStore(data, norm);
        var f = store.Features[0];
        Assert.DoesNotContain(f, float.IsNaN);
        Assert.Equal(0f, f[5 * store.Channels + 1]);
        Assert.Equal(1f, f[5 * store.Channels + 2]);
        Assert.Equal(0f, f[6 * store.Channels + 2]);
        Assert.Equal(store.Features[0], new FeatureStore(other, norm).Features[0]);
    }

    [Fact]
    public void TheLinearResponseChannelIsTheZScoredFlowAfterTheIndicator()
    {
        // training flows 1 and 3 alternating, day 5 (a 3) missing: per basin 20 ones and 19 threes
        var data = Synthetic(2, 40, (b, i) => i == 5 ? float.NaN : i % 2 == 0 ? 1f : 3f);
        var norm = Normalizer.Fit(data, ["b0", "b1"], new DateOnly(2000, 1, 1), new DateOnly(2000, 2, 9), true);
        double mean = 77.0 / 39, sd = Math.Sqrt(191.0 / 39 - mean * mean);
        Assert.Equal(mean, norm.LinearResponseMean, 9);
        Assert.Equal(sd, norm.LinearResponseStd, 9);
        var plain = new FeatureStore(data, norm);
        var store = new FeatureStore(data, norm, linearResponse: true);
        Assert.Equal(plain.Channels + 1, store.Channels);
        var f = store.Features[0];
        int c = store.Channels;
        Assert.Equal(plain.Features[0][4 * plain.Channels + 1], f[4 * c + 1]);         // the log channel is unchanged
        Assert.Equal(norm.NormalizeLinearResponse(1f), f[4 * c + 3]);
        Assert.Equal((1 - mean) / sd, f[4 * c + 3], 5);
        Assert.Equal((3 - mean) / sd, f[3 * c + 3], 5);
        // missing: indicator 1, both flow channels 0
        Assert.Equal(1f, f[5 * c + 2]);
        Assert.Equal(0f, f[5 * c + 3]);
        Assert.DoesNotContain(f, float.IsNaN);
    }

    [Fact]
    public void TheResponseChangeChannelIsTheDailyChangeOfTheLogFlowOverItsRms()
    {
        // flows 1 and 3 alternating, day 5 missing: every observed change is +-(log10(3.005) - log10(1.005)), so
        // the root mean square is that step and the channel is exactly +-1, 0 on the first day and around the gap
        var data = Synthetic(2, 40, (b, i) => i == 5 ? float.NaN : i % 2 == 0 ? 1f : 3f);
        var norm = Normalizer.Fit(data, ["b0", "b1"], new DateOnly(2000, 1, 1), new DateOnly(2000, 2, 9), true);
        Assert.Equal(Math.Log10(3.005) - Math.Log10(1.005), norm.ResponseChangeStd, 9);
        var store = new FeatureStore(data, norm, linearResponse: true, responseChange: true);
        var plain = new FeatureStore(data, norm, linearResponse: true);
        int c = store.Channels;
        Assert.Equal(plain.Channels + 1, c);
        var f = store.Features[1];
        Assert.Equal(0f, f[0 * c + c - 1]);                 // first day: no day before
        Assert.Equal(1f, f[1 * c + c - 1], 5);              // 1 -> 3
        Assert.Equal(-1f, f[2 * c + c - 1], 5);             // 3 -> 1
        Assert.Equal(0f, f[5 * c + c - 1]);                 // missing today
        Assert.Equal(0f, f[6 * c + c - 1]);                 // missing yesterday
        Assert.Equal(1f, f[7 * c + c - 1], 5);              // 1 -> 3 again
        Assert.Equal(plain.Features[1][7 * plain.Channels + 3], f[7 * c + 3]);   // the other channels are unchanged
        Assert.DoesNotContain(f, float.IsNaN);
        // a normalizer saved before the channel existed loads with a neutral scale
        string json = System.Text.Json.JsonSerializer.Serialize(norm)
            .Replace(
            $",\"ResponseChangeStd\":" +
            norm.ResponseChangeStd.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "");
        Assert.DoesNotContain("ResponseChangeStd", json);
        Assert.Equal(1, System.Text.Json.JsonSerializer.Deserialize<Normalizer>(json)!.ResponseChangeStd);
    }

    [Fact]
    public void WindowsRespectThePeriodTheStrideAndTheMissingFraction()
    {
        var data = Synthetic(2, 100, (b, i) => b == 1 && i == 30 ? float.NaN : 1f);
        var norm = Normalizer.Fit(data, ["b0"], new DateOnly(2000, 1, 1), new DateOnly(2000, 4, 9), false);
        var store = new FeatureStore(data, norm);
        var w = WindowIndex.Build(store, new DateOnly(2000, 1, 11), new DateOnly(2000, 4, 9), 20, 10, 0);
        Assert.Equal([10, 20, 30, 40, 50, 60, 70, 80], w[0].Select(x => x.Start));
        Assert.Equal([10, 40, 50, 60, 70, 80], w[1].Select(x => x.Start)); // the two windows holding day 30 dropped
        var lenient = WindowIndex.Build(store, new DateOnly(2000, 1, 11), new DateOnly(2000, 4, 9), 20, 10, 0.05);
        Assert.Equal(8, lenient[1].Count);
    }

    [Fact]
    public void TripletsAreSeededAndPairSameBasinPositivesWithOtherBasinNegatives()
    {
        var windows = Enumerable.Range(0, 5).Select(b => Enumerable.Range(0, 3 + b).Select(j => new Window(b, j * 10))
            .ToList()).ToArray();
        windows[2] = [];
        var t1 = TripletSampler.Epoch(windows, 42, 3);
        Assert.Equal(t1, TripletSampler.Epoch(windows, 42, 3));
        Assert.NotEqual(t1, TripletSampler.Epoch(windows, 42, 4));
        Assert.Equal(windows.Sum(w => w.Count), t1.Length);   // every window is an anchor once
        Assert.All(t1, t => Assert.Equal(t.Anchor.Basin, t.Positive.Basin));
        Assert.All(t1, t => Assert.NotEqual(t.Anchor.Basin, t.Negative.Basin));
        Assert.DoesNotContain(t1, t => t.Negative.Basin == 2 || t.Anchor.Basin == 2);
        Assert.Equal(7, TripletSampler.Epoch(windows, 42, 3, maxAnchors: 7).Length);
    }

    [Fact]
    public void DailyStartsMatchAWindowByWindowCountOfMissingDays()
    {
        // gaps at days 3, 40-44 and 97: every start, and every stride, against a count made window by window
        var data = Synthetic(1, 100, (b, i) => i == 3 || (i >= 40 && i < 45) || i == 97 ? float.NaN : 1f);
        var basin = data.Basins[0];
        foreach (int stride in new[] { 1, 3, 10 })
            foreach (double fraction in new[] { 0, 0.1, 0.3 })
            {
                var expected = new List<int>();
                for (int s = 2; s + 20 <= 99; s += stride)
                    if (Enumerable.Range(s, 20).Count(t => float.IsNaN(basin.Response[t])) <= fraction
                        * 20) expected.Add(s);
                Assert.Equal(expected, WindowIndex.Starts(basin, 2, 99, 20, stride, fraction));
            }
        Assert.Empty(WindowIndex.Starts(basin, 2, 21, 20, 1, 1));
        Assert.Equal([2], WindowIndex.Starts(basin, 2, 22, 20, 1, 1));
    }

    [Fact]
    public void RandomWindowTripletsGiveEachBasinItsAnchorCountFromItsOwnWindows()
    {
        // daily windows: basin b has 30 + b starts; anchors per basin 2, 0, 3, 1
        var windows = Enumerable.Range(0, 4).Select(b => Enumerable.Range(0, 30 + b).Select(j => new Window(b, j))
            .ToList()).ToArray();
        int[] anchors = [2, 0, 3, 1];
        var t1 = TripletSampler.Epoch(windows, 42, 1, anchorsPerBasin: anchors);
        Assert.Equal(t1, TripletSampler.Epoch(windows, 42, 1, anchorsPerBasin: anchors));
        Assert.Equal(anchors, Enumerable.Range(0, 4).Select(b => t1.Count(t => t.Anchor.Basin == b)));
        Assert.All(t1, t => Assert.Contains(t.Anchor, windows[t.Anchor.Basin]));
        Assert.All(t1, t => Assert.Equal(t.Anchor.Basin, t.Positive.Basin));
        Assert.All(t1, t => Assert.NotEqual(t.Anchor.Basin, t.Negative.Basin));
        // over epochs the anchors of a basin move over its days (not the same first windows each time)
        var starts = Enumerable.Range(1, 20).SelectMany(e => TripletSampler.Epoch(windows, 42, e,
            anchorsPerBasin: anchors))
            .Where(t => t.Anchor.Basin == 2).Select(t => t.Anchor.Start).Distinct().Count();
        Assert.True(starts > 20, $"{starts} distinct anchor days of basin 2 in 20 epochs");
        Assert.Throws<ArgumentException>(() => TripletSampler.Epoch(windows, 42, 1, anchorsPerBasin: [1, 1]));
    }

    [Fact]
    public void SplitsAreSeededDisjointAndFoldsCoverEveryBasinOnce()
    {
        var ids = Enumerable.Range(0, 50).Select(i => $"b{i:D2}").ToArray();
        var s = BasinSplit.Make(ids, 1, 0.2, 0, 0, 0.1);
        Assert.Equal(s, BasinSplit.Make(ids, 1, 0.2, 0, 0, 0.1), new SplitComparer());
        Assert.Equal(10, s.Heldout.Count);
        Assert.Equal(4, s.Validation.Count);
        Assert.Empty(s.Train.Intersect(s.Heldout).Concat(s.Train.Intersect(s.Validation)));
        var held = Enumerable.Range(0, 5).SelectMany(k => BasinSplit.Make(ids, 1, 0, 5, k, 0).Heldout).ToList();
        Assert.Equal(ids.Order(), held.Order());
    }

    sealed class NormalizerComparer : IEqualityComparer<Normalizer>
    {
        public bool Equals(Normalizer? a, Normalizer? b) => a is not null && b is not null
            && a.DriverMean.SequenceEqual(b.DriverMean) && a.DriverStd.SequenceEqual(b.DriverStd)
            && a.ResponseMean == b.ResponseMean && a.ResponseStd == b.ResponseStd && a.LogResponse == b.LogResponse
            && a.CharacteristicMean.SequenceEqual(b.CharacteristicMean)
                && a.CharacteristicStd.SequenceEqual(b.CharacteristicStd)
            && a.LinearResponseMean == b.LinearResponseMean && a.LinearResponseStd == b.LinearResponseStd;

        public int GetHashCode(Normalizer n) => 0;
    }

    sealed class SplitComparer : IEqualityComparer<BasinSplit>
    {
        public bool Equals(BasinSplit? a, BasinSplit? b) => a is not null && b is not null
            && a.Train.SequenceEqual(b.Train) && a.Validation.SequenceEqual(b.Validation)
                && a.Heldout.SequenceEqual(b.Heldout);

        public int GetHashCode(BasinSplit s) => 0;
    }
}
