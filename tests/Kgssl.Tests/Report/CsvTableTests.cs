using Kgssl.Data;
using Kgssl.Report;

namespace Kgssl.Tests.Report;

public class CsvTableTests
{
    [Fact]
    public void ColumnsAreReadByNameWhateverTheirOrderAndAMissingOneIsNamedWithTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("forward_basins.csv", "nse,basin,setting,kge\n0.5,a,true,0.4\n\n0.25,b,none,0.1\n");
        var t = CsvTable.Read(path);
        Assert.Equal(2, t.Rows.Count);
        Assert.Equal(["true", "none"], t.Rows.Select(r => t.Text(r, "setting")));
        Assert.Equal(0.25, t.Number(t.Rows[1], "nse"));
        var e = Assert.Throws<DataFormatException>(() => t.Column("median_nse"));
        Assert.Equal($"{path} line 1: no column 'median_nse' (has: nse, basin, setting, kge)", e.Message);
        Assert.Throws<DataFormatException>(() => CsvTable.Read(dir.File("empty.csv", "")));
        string torn = dir.File("torn.csv", "basin,nse\na,0.5\nb\n");
        Assert.Equal($"{torn} line 3: expected 2 comma-separated fields as in the header, got 1",
            Assert.Throws<DataFormatException>(() => CsvTable.Read(torn)).Message);
    }
}

public class ReadableNumberTests
{
    [Fact]
    public void DurationsReadAsMinutesAndWholeSeconds()
    {
        Assert.Equal("26:02 (1562 s)", ReportWriter.Seconds(1561.835));
        Assert.Equal("0:05 (5 s)", ReportWriter.Seconds(5.2));
        Assert.Equal("NaN", ReportWriter.Seconds(double.NaN));
    }
}
