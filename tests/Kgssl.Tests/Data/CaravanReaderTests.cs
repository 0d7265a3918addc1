using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class CaravanReaderTests
{
    const string Header = "date,total_precipitation_sum,temperature_2m_mean,potential_evaporation_sum,streamflow\n";

    static string Rows(int days, DateOnly start, Func<int, string>? q = null) =>
        string.Concat(Enumerable.Range(0, days)
            .Select(i
            => $"{start.AddDays(i):yyyy-MM-dd},{i % 5},{10 + i % 3},2.5," +
                $"{q?.Invoke(i) ?? (0.5 + i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture)}\n"));

    static TempDir Tree(params (string Id, string Csv)[] basins)
    {
        var dir = new TempDir();
        foreach (var (id, csv) in basins) dir.File($"timeseries/csv/x/{id}.csv", csv);
        dir.File("attributes/x/attributes_a.csv", "gauge_id,p_mean,area\n"
            + string.Concat(basins.Select((b, i) => $"{b.Id},{i + 1}.5,{(i + 1) * 100}\n")));
        dir.File("attributes/x/attributes_other.csv", "gauge_id,gauge_name,gauge_lat,gauge_lon\n"
            + string.Concat(basins.Select((b, i) => $"{b.Id},\"River {i}, Somewhere\",4{i}.5,-7{i}.25\n")));
        return dir;
    }

    static CaravanReader.Options Options(string root, IReadOnlyList<string>? basins = null) =>
        new(root, "x", ["total_precipitation_sum", "temperature_2m_mean"], "streamflow", ["p_mean", "area"], basins,
            false);

    [Fact]
    public void ReadsSeriesAttributesAndCoordinatesWithQuotedCommas()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(10, start, i => i == 3 ? "" : "1.25")),
            ("x_2", Header + Rows(10, start)));
        var data = CaravanReader.Read(Options(dir.Path));
        Assert.Equal(2, data.Basins.Count);
        var b = data.Basin("x_1");
        Assert.Equal(10, b.Days);
        Assert.Equal(start, b.Dates[0]);
        Assert.Equal([0f, 10f, 1f, 11f], b.Drivers[..4]);
        Assert.True(float.IsNaN(b.Response[3]));
        Assert.Equal(1.25f, b.Response[4]);
        Assert.Equal([1.5, 100], b.Characteristics);
        Assert.Equal(40.5, b.Latitude);
        Assert.Equal(-70.25, b.Longitude);
    }

    [Fact]
    public void BasinListsAcceptIdsWithoutTheSourcePrefixAndRejectUnknownIds()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(5, start)), ("x_2", Header + Rows(5, start)));
        var data = CaravanReader.Read(Options(dir.Path, ["2"]));
        Assert.Equal(["x_2"], data.Basins.Select(b => b.Id));
        var e = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path, ["x_9"])));
        Assert.Contains("unknown basin id 'x_9'", e.Message);
    }

    [Theory]
    [InlineData("2000-01-01,1,2,3,4\n2000-01-02,1,abc,3,4\n", 3,
        "column 'temperature_2m_mean': expected a number, got 'abc'")]
    [InlineData("2000-01-01,1,2,3,4\n2000-01-01,1,2,3,4\n", 3, "is a duplicate")]
    [InlineData("2000-01-02,1,2,3,4\n2000-01-01,1,2,3,4\n", 3, "out of order")]
    [InlineData("2000-01-01,1,2,3,4\n2000-01-03,1,2,3,4\n", 3, "skips days")]
    [InlineData("2000-01-01,1,2,3,4\n2000-01-02,1,2\n", 3, "expected 5 comma-separated fields")]
    [InlineData("2000-01-01,1,2,3,4\n2000-13-02,1,2,3,4\n", 3, "expected an ISO date")]
    [InlineData("2000-01-01,,2,3,4\n", 2, "driver 'total_precipitation_sum' is missing (empty)")]
    [InlineData("2000-01-01,1,2,3,4\n2000-01-02,-999,2,3,4\n", 3, "driver 'total_precipitation_sum' is missing (-999)")]
    [InlineData("2000-01-01,-0.5,2,3,4\n", 2, "driver 'total_precipitation_sum': negative precipitation -0.5")]
    [InlineData("2000-01-01,1,75,3,4\n", 2, "driver 'temperature_2m_mean': air temperature 75 °C outside -90..60")]
    [InlineData("2000-01-01,1,2,3,-5\n", 2, "column 'streamflow': negative streamflow -5")]
    [InlineData("2000-01-01,1,2,3,1e300\n", 2, "column 'streamflow': expected a finite number, got '1e300'")]
    [InlineData("2000-01-01,1,2,3,Infinity\n", 2, "column 'streamflow': expected a finite number, got 'Infinity'")]
    public void MalformedRowsNameTheFileTheLineAndWhatWasExpected(string rows, int line, string expected)
    {
        using var dir = Tree(("x_1", Header + rows));
        var e = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path)));
        Assert.EndsWith("x_1.csv", e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message);
        Assert.Contains($"x_1.csv line {line}:", e.Message);
    }

    [Fact]
    public void AGaugeLatitudeOutOfRangeNamesItsFileLineAndColumn()
    {
        using var dir = Tree(("x_1", Header + Rows(3, new DateOnly(2000, 1, 1))));
        dir.File("attributes/x/attributes_other.csv", "gauge_id,gauge_name,gauge_lat,gauge_lon\nx_1,River,-91,10\n");
        var e = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path)));
        Assert.Contains("attributes_other.csv line 2: column 'gauge_lat' of basin 'x_1': expected a latitude in " +
            "degrees (-90..90), got -91", e.Message);
    }

    [Fact]
    public void AByteOrderMarkBeforeTheHeaderIsNotPartOfTheDateColumnsName()
    {
        using var dir = Tree(("x_1", "\uFEFF" + Header + Rows(3, new DateOnly(2000, 1, 1))));
        Assert.Equal(3, CaravanReader.Read(Options(dir.Path)).Basin("x_1").Days);
    }

    [Fact]
    public void AnotherSourceThanTheRootHoldsIsAnErrorNamingTheSourcesThere()
    {
        using var dir = Tree(("x_1", Header + Rows(3, new DateOnly(2000, 1, 1))));
        var o = Options(dir.Path) with { Source = "camels" };
        foreach (var call in new Action[] { () => CaravanReader.SourceFiles(o), () => CaravanReader.Read(o) })
            Assert.Contains("Caravan folder of source 'camels' not found (expected timeseries/csv/<source>/); " +
                "this root has the sources x", Assert.Throws<DataFormatException>(call).Message);
    }

    [Fact]
    public void StreamflowMissingCodesAreMissingDaysAsInTheCamelsUsReader()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(6, start, i => i switch { 1 => "-999", 2 => "-9999", 3 => "-999.0",
            _ => "0" })));
        var q = CaravanReader.Read(Options(dir.Path)).Basin("x_1").Response;
        Assert.Equal([false, true, true, true, false, false], q.Select(float.IsNaN));
        Assert.Equal(0f, q[0]);
    }

    [Fact]
    public void AColumnInTwoAttributeFilesOrTwiceInAHeaderIsAnErrorNamingBoth()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(5, start)));
        dir.File("attributes/x/attributes_z.csv", "gauge_id,p_mean\nx_1,42\n");
        var e = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path)));
        Assert.Contains("attributes_z.csv line 1: column 'p_mean' is also in attributes_a.csv", e.Message);
        using var twice = Tree(
            ("x_1", "date,total_precipitation_sum,temperature_2m_mean,streamflow,streamflow\n2000-01-01,1,2,3,4\n"));
        Assert.Contains("column 'streamflow' appears 2 times in the header",
            Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(twice.Path))).Message);
    }

    [Fact]
    public void AttributeRowsWithoutSeriesAndFilesThatAreNotCsvAreNamedInTheNotes()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(5, start)), ("x_2", Header + Rows(5, start)));
        File.Move(dir.Sub("timeseries/csv/x/x_2.csv"), dir.Sub("timeseries/csv/x/x_2.CSV"));
        var data = CaravanReader.Read(Options(dir.Path));
        Assert.Equal(["x_1"], data.Basins.Select(b => b.Id));
        Assert.Contains("1 attribute rows have no time series and are left out: x_2", data.Notes);
        Assert.Contains(data.Notes, n => n.StartsWith("1 files in ", StringComparison.Ordinal)
            && n.EndsWith("are not *.csv and are not read: x_2.CSV", StringComparison.Ordinal));
    }

    [Fact]
    public void ForInferenceMissingCharacteristicsAreUnknownAndNamedInsteadOfAnError()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(5, start)));
        dir.File("timeseries/csv/x/x_new.csv", Header + Rows(5, start));   // a new gauge: no attributes row at all
        var options = Options(dir.Path) with { Characteristics = ["p_mean", "soil_depth"] };
        Assert.Contains("'soil_depth'", Assert.Throws<DataFormatException>(() => CaravanReader.Read(options)).Message);
        var data = CaravanReader.Read(options with { CharacteristicsOptional = true });
        Assert.Equal(1.5, data.Basin("x_1").Characteristics[0]);
        Assert.True(double.IsNaN(data.Basin("x_1").Characteristics[1]));
        Assert.All(data.Basin("x_new").Characteristics, v => Assert.True(double.IsNaN(v)));
        Assert.Contains(
            "1 characteristics are in no attributes file and are unknown (NaN) for every basin: soil_depth",
            data.Notes);
        Assert.Contains("1 basins have no attributes row: characteristics and coordinates unknown (NaN): x_new",
            data.Notes);
    }

    [Fact]
    public void AMissingColumnAnEmptyFileAndAHeaderOnlyFileAreErrors()
    {
        using (var dir = Tree(("x_1", "date,total_precipitation_sum,streamflow\n2000-01-01,1,2\n")))
            Assert.Contains("missing column 'temperature_2m_mean'",
                Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path))).Message);
        using (var dir = Tree(("x_1", "")))
            Assert.Contains("empty file", Assert.Throws<DataFormatException>(
                () => CaravanReader.Read(Options(dir.Path))).Message);
        using (var dir = Tree(("x_1", Header)))
            Assert.Contains("no data rows", Assert.Throws<DataFormatException>(
                () => CaravanReader.Read(Options(dir.Path))).Message);
    }

    [SharedDataFact("camels_era5l")]
    public void TheSharedEra5LandSetHas426BasinsOf7305DaysWith27CharacteristicsAndCoordinates()
    {
        var data = CaravanReader.Read(new CaravanReader.Options(SharedData.Folder("camels_era5l"), "camels",
            ["total_precipitation_sum", "temperature_2m_mean", "potential_evaporation_sum"], "streamflow", [], null,
                false));
        Assert.Equal(426, data.Basins.Count);
        Assert.All(data.Basins, b => Assert.Equal(7305, b.Days));
        Assert.Equal(27, data.CharacteristicCount);
        Assert.All(data.Basins, b => Assert.All(b.Characteristics, v => Assert.True(double.IsFinite(v))));
        Assert.All(data.Basins, b => Assert.True(double.IsFinite(b.Latitude) && double.IsFinite(b.Longitude)));
        var b = data.Basin("camels_01022500");
        Assert.Equal(new DateOnly(1989, 10, 1), b.Dates[0]);
        Assert.Equal(0.62f, b.Response[0]);
        Assert.Equal(3.60812594113621, b.Characteristics[0], 12);
    }

    [Fact]
    public void Log10CharacteristicsAreReadOnTheLogScaleAndANonPositiveValueNamesItsCell()
    {
        var start = new DateOnly(2000, 1, 1);
        using var dir = Tree(("x_1", Header + Rows(10, start)), ("x_2", Header + Rows(10, start)));
        var data = CaravanReader.Read(Options(dir.Path) with { Characteristics = ["log10(area)", "p_mean"] });
        Assert.Equal(["log10(area)", "p_mean"], data.CharacteristicNames);
        Assert.Equal(2.0, data.Basin("x_1").Characteristics[0], 12);          // log10(100)
        Assert.Equal(Math.Log10(200), data.Basin("x_2").Characteristics[0], 12);

        dir.File("attributes/x/attributes_a.csv", "gauge_id,p_mean,area\nx_1,1.5,100\nx_2,2.5,0\n");
        var e = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path)
            with { Characteristics = ["log10(area)"] }));
        Assert.Contains("attributes_a.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("log10 needs a positive value", e.Message);

        var missing = Assert.Throws<DataFormatException>(() => CaravanReader.Read(Options(dir.Path)
            with { Characteristics = ["log10(depth)"] }));
        Assert.Contains("'depth'", missing.Message);
    }
}
