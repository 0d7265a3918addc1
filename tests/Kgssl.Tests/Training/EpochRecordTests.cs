using Kgssl.Data;
using Kgssl.Training;

namespace Kgssl.Tests.Training;

public class EpochRecordTests
{
    [Fact]
    public void ARowSurvivesWritingAndReadingWithItsSkippedSteps()
    {
        using var dir = new TempDir();
        var a = new EpochRecord(1, 0.01, 0.5, 0.4, 0.01, 0.6, 0.45, 0.35, 0.02, 0.55, 640, 12.5, 3);
        var b = a with { Epoch = 2, SkippedSteps = 0 };
        string path = dir.Sub("epochs.csv");
        File.WriteAllLines(path, [EpochRecord.Header, a.ToCsv(), b.ToCsv()]);
        Assert.Equal([a, b], EpochRecord.ReadAll(path));
        Assert.Equal(EpochRecord.Header.Split(',').Length, a.ToCsv().Split(',').Length);
    }

    [Fact]
    public void AFileWrittenBeforeTheSkippedColumnStillReadsWithNoneSkipped()
    {
        var old = EpochRecord.Parse("3,0.005,0.34,0.09,0.0012,0.35,0.34,0.08,0.001,0.33,20160,37.4,539.4");
        Assert.Equal(3, old.Epoch);
        Assert.Equal(20160, old.Anchors);
        Assert.Equal(0, old.SkippedSteps);
    }

    [Theory]
    [InlineData("1,0.01,0.5", "line 3: expected 14 comma-separated values")]
    [InlineData("1,0.01,0.5,0.4,0.01,0.6,0.45,0.35,0.02,0.55,many,12.5,51.2,0",
        "line 3: column 11 (anchors) expects a whole number, found 'many'")]
    [InlineData("1,0.01,x,0.4,0.01,0.6,0.45,0.35,0.02,0.55,640,12.5,51.2,0",
        "line 3: column 3 (loss) expects a number, found 'x'")]
    public void AMalformedRowNamesTheFileTheLineAndWhatWasExpected(string row, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Sub("epochs.csv");
        File.WriteAllLines(path, [EpochRecord.Header, new EpochRecord(1, 0.01, 0.5, 0.4, 0.01, 0.6, 0.45, 0.35, 0.02,
            0.55, 640, 12.5).ToCsv(), row]);
        var e = Assert.Throws<DataFormatException>(() => EpochRecord.ReadAll(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
