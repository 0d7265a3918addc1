using Kgssl.Config;
using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class DatasetCacheTests
{
    [Fact]
    public void TheSecondLoadComesFromTheCacheAndAChangedSourceInvalidatesIt()
    {
        using var dir = new TempDir();
        string header = "date,p,q\n";
        string file = dir.File("timeseries/csv/s/s_1.csv", header + "2000-01-01,1,2\n2000-01-02,3,4\n");
        dir.File("timeseries/csv/s/s_2.csv", header + "2000-01-01,1,2\n2000-01-02,3,5\n");
        dir.File("attributes/s/attributes_s.csv", "gauge_id,c\ns_1,1\ns_2,2\n");
        var c = new DataConfig { Dataset = "caravan", Root = dir.Path, Source = "s", Drivers = ["p"], Response = "q",
            Characteristics = ["c"] };
        string cache = dir.Sub("cache");
        var first = DatasetLoader.Load(c, true, cache);
        var second = DatasetLoader.Load(c, true, cache);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Data.Fingerprint(), second.Data.Fingerprint());
        Assert.Equal(first.Data.Basin("s_2").Dates, second.Data.Basin("s_2").Dates);

        File.WriteAllText(file, header + "2000-01-01,1,2\n2000-01-02,3,9\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var third = DatasetLoader.Load(c, true, cache);
        Assert.False(third.FromCache);
        Assert.Equal(9f, third.Data.Basin("s_1").Response[1]);
        Assert.False(DatasetLoader.Load(c, false, cache).FromCache);
    }

    [LinuxFact]
    public void ACopyThatKeepsSizeAndModificationTimeStillInvalidatesTheCache()
    {
        using var dir = new TempDir();
        string header = "date,p,q\n";
        string file = dir.File("timeseries/csv/s/s_1.csv", header + "2000-01-01,1,2\n2000-01-02,3,4\n");
        dir.File("attributes/s/attributes_s.csv", "gauge_id,c\ns_1,1\n");
        var c = new DataConfig { Dataset = "caravan", Root = dir.Path, Source = "s", Drivers = ["p"], Response = "q",
            Characteristics = ["c"] };
        string cache = dir.Sub("cache");
        Assert.False(DatasetLoader.Load(c, true, cache).FromCache);
        Assert.True(DatasetLoader.Load(c, true, cache).FromCache);

        // what cp -p does: new content of the same length, the old modification time put back
        var mtime = File.GetLastWriteTimeUtc(file);
        Thread.Sleep(20);
        File.WriteAllText(file, header + "2000-01-01,1,2\n2000-01-02,3,7\n");
        File.SetLastWriteTimeUtc(file, mtime);
        var again = DatasetLoader.Load(c, true, cache);
        Assert.False(again.FromCache);
        Assert.Equal(7f, again.Data.Basin("s_1").Response[1]);
    }
}
