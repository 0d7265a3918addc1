using Kgssl.Report;
using Kgssl.Runs;

namespace Kgssl.Tests.Runs;

public class NumericTableTests
{
    [Fact]
    public async Task ItsCsvReadsBackAndItsParquetTwinKeepsTheTextAndNumberColumns()
    {
        using var dir = new TempDir();
        var table = new NumericTable(["basin", "basin_set"], [["a", "train"], ["b", "heldout"]],
            ["pred_log10(K2)", "z0"],
            [[1.5, -2], [double.NaN, 3.25]]);
        table.WriteCsv(dir.Sub("t.csv"));
        Assert.Equal(["basin,basin_set,pred_log10(K2),z0", "a,train,1.5,-2", "b,heldout,NaN,3.25"],
            File.ReadAllLines(dir.Sub("t.csv")));
        ParquetMirror.Write(dir.Sub("t.csv"), dir.Sub("t.parquet"));

        await using var reader = await Parquet.ParquetReader.CreateAsync(dir.Sub("t.parquet"));
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(File.ReadLines(dir.Sub("t.csv")).First().Split(','), fields.Select(f => f.Name));
        Assert.Equal([false, false, true, true], fields.Select(f => f.ClrType == typeof(double)));
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(2, group.RowCount);
        var values = new double[2];
        await group.ReadAsync<double>(fields[2], values.AsMemory());
        Assert.Equal(1.5, values[0]);
        Assert.True(double.IsNaN(values[1]));
    }
}
