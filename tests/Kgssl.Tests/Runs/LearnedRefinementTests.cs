using Kgssl.Data;
using Kgssl.Runs;

namespace Kgssl.Tests.Runs;

public class LearnedRefinementTests
{
    [Fact]
    public void PredictionsAreReadByNameWhateverTheColumnOrder()
    {
        using var dir = new TempDir();
        string path = dir.File("predictions.csv",
            "basin,basin_set,true_FC,pred_FC,pred_PERC,true_PERC\n" +
            "b1,heldout,200,180.5,1.5,2\nb2,train,100,90,0.5,0.25\n");
        var rows = LearnedRefinement.ReadPredictions(path, ["PERC", "FC"]);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("b1", "heldout"), (rows[0].Id, rows[0].BasinSet));
        Assert.Equal([1.5, 180.5], rows[0].Predicted);
        Assert.Equal([2.0, 200], rows[0].Truth);
        Assert.Equal([0.5, 90], rows[1].Predicted);
    }

    [Theory]
    [InlineData("", "line 1: empty file")]
    [InlineData("id,set,pred_FC,true_FC\n", "line 1: expected the header to start with basin,basin_set")]
    [InlineData("basin,basin_set,pred_FC\n", "line 1: no column 'true_FC'")]
    [InlineData("basin,basin_set,pred_FC,true_FC\nb1,heldout,1\n", "line 2: expected 4 fields, got 3")]
    [InlineData("basin,basin_set,pred_FC,true_FC\nb1,heldout,1,2\nb2,heldout,NaN,2\n",
        "line 3: column pred_FC: expected a finite number, got 'NaN'")]
    public void AMalformedPredictionsFileIsRefusedWithItsLine(string content, string message)
    {
        using var dir = new TempDir();
        string path = dir.File("predictions.csv", content);
        var e = Assert.Throws<DataFormatException>(() => LearnedRefinement.ReadPredictions(path, ["FC"]));
        Assert.Contains(message, e.Message);
        Assert.StartsWith(path, e.Message);
    }
}
