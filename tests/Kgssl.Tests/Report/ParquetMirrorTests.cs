using Kgssl.Report;

namespace Kgssl.Tests.Report;

public class ParquetMirrorTests
{
    [Fact]
    public async Task EveryCsvGetsATwinWithItsColumnsInOrderNumbersAsDoublesAndTextAsStrings()
    {
        using var dir = new TempDir();
        dir.File("t.csv", "basin,r,note,n\na,0.5,\"fine, really\",3\nb,,none,4\n");
        dir.File("u.csv", "fold,mean_r\n0,0.8\n");
        dir.File("sub/v.csv", "x\n1\n");
        Assert.Equal(2, ParquetMirror.Folder(dir.Path));
        Assert.False(File.Exists(dir.Sub("sub/v.parquet")));

        await using var reader = await Parquet.ParquetReader.CreateAsync(dir.Sub("t.parquet"));
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["basin", "r", "note", "n"], fields.Select(f => f.Name));
        Assert.Equal([false, true, false, true], fields.Select(f => f.ClrType == typeof(double)));
        using var group = reader.OpenRowGroupReader(0);
        var r = new double[2];
        await group.ReadAsync<double>(fields[1], r.AsMemory());
        Assert.Equal(0.5, r[0]);
        Assert.True(double.IsNaN(r[1]));
        var notes = new string?[2];
        await group.ReadAsync(fields[2], notes.AsMemory());
        Assert.Equal("fine, really|none", string.Join("|", notes));
    }

    [Fact]
    public async Task GaugeIdsWithLeadingZerosAndEmptyColumnsStayText()
    {
        using var dir = new TempDir();
        dir.File("t.csv", "basin,note,nse,offset\n01022500,,0.5,-0.25\n12010000,,0.25,0\n");
        ParquetMirror.Folder(dir.Path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(dir.Sub("t.parquet"));
        var fields = reader.Schema.GetDataFields();
        Assert.Equal([false, false, true, true], fields.Select(f => f.ClrType == typeof(double)));
        using var group = reader.OpenRowGroupReader(0);
        var ids = new string?[2];
        await group.ReadAsync(fields[0], ids.AsMemory());
        Assert.Equal("01022500|12010000", string.Join("|", ids));
    }

    [Fact]
    public void AnUpToDateTwinIsLeftAloneAndAStaleOneIsWrittenAgain()
    {
        using var dir = new TempDir();
        string csv = dir.File("t.csv", "a\n1\n");
        Assert.Equal(1, ParquetMirror.Folder(dir.Path));
        Assert.Equal(0, ParquetMirror.Folder(dir.Path));
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(1, ParquetMirror.Folder(dir.Path));
    }
}
