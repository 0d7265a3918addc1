using Kgssl.Data;

namespace Kgssl.Tests.Data;

public class CamelsUsReaderTests
{
    static readonly string[] Drivers = ["prcp(mm/day)", "tmax(C)"];

    static string Forcing(string header, int days, double area = 1e8) =>
        $"  44.82\n 133.00\n {area}\n{header}\n" +
        string.Concat(Enumerable.Range(0, days).Select(i => { var d = new DateOnly(2000, 1, 1).AddDays(i);
            return $"{d.Year} {d.Month:D2} {d.Day:D2} 12\t40000.00\t{i}.00\t200.00\t0.00\t{i + 5}.00\t1.00" +
                "\t700.00\n"; }));

    const string LowerHeader = "Year Mnth Day Hr\tdayl(s)\tprcp(mm/day)\tsrad(W/m2)\tswe(mm)\ttmax(C)\ttmin(C)\tvp(Pa)";
    const string UpperHeader = "Year Mnth Day Hr\tDayl(s)\tPRCP(mm/day)\tSRAD(W/m2)\tSWE(mm)\tTmax(C)\tTmin(C)\tVp(Pa)";

    static TempDir Tree()
    {
        var dir = new TempDir();
        dir.File("basin_mean_forcing/daymet/01/00000001_lump_cida_forcing_leap.txt", Forcing(LowerHeader, 5));
        dir.File("basin_mean_forcing/nldas/01/00000001_lump_nldas_forcing_leap.txt", Forcing(UpperHeader, 4));
        dir.File("basin_mean_forcing/daymet/02/00000002_lump_cida_forcing_leap.txt", Forcing(LowerHeader, 5, 2e8));
        dir.File("usgs_streamflow/01/00000001_streamflow_qc.txt",
            "00000001 2000 01 01   100.00 A\n00000001 2000 01 02  -999.00 M\n00000001 2000 01 03    50.00 A:e\n");
        dir.File("camels_attributes_v2.0/camels_clim.txt",
            "gauge_id;p_mean;aridity\n00000001;3.5;0.6\n00000002;2.5;1.2\n00000003;1;1\n");
        dir.File("camels_attributes_v2.0/camels_topo.txt",
            "gauge_id;gauge_lat;gauge_lon;area_gages2\n00000001;44.6;-67.9;573.6\n00000002;40;-70;10\n" +
            "00000003;1;1;1\n");
        return dir;
    }

    static CamelsUsReader.Options Options(string root, string[] products, IReadOnlyList<string>? basins = null) =>
        new(root, products, Drivers, ["p_mean", "area_gages2"], basins, false);

    [Fact]
    public void ConvertsCfsToMmPerDayWithTheHeaderAreaAndMarksMissingFlow()
    {
        using var dir = Tree();
        var data = CamelsUsReader.Read(Options(dir.Path, ["daymet"]));
        var b = data.Basin("00000001");
        // 100 cfs over 1e8 m^2: 100 * 0.028316846592 m^3/s * 86400 s / 1e8 m^2 * 1000 mm/m = 2.446575 mm/day
        Assert.Equal(2.446575, b.Response[0], 5);
        Assert.True(float.IsNaN(b.Response[1]));
        Assert.Equal(1.2232877, b.Response[2], 5);
        Assert.True(float.IsNaN(b.Response[3])); // no row for that day
        Assert.Equal([0f, 5f, 1f, 6f], b.Drivers[..4]);
        Assert.Equal([3.5, 573.6], b.Characteristics);
        Assert.Equal(44.6, b.Latitude);
        Assert.Contains(data.Notes, n => n.Contains("forcing but no streamflow") && n.Contains("00000002"));
    }

    [Fact]
    public void APreferenceListTakesTheFirstProductPresentPerBasinAndFindsColumnsCaseInsensitively()
    {
        using var dir = Tree();
        var data = CamelsUsReader.Read(Options(dir.Path, ["nldas", "daymet"]));
        Assert.Equal("nldas", data.Basin("00000001").Product);
        Assert.Equal(4, data.Basin("00000001").Days);
        Assert.Equal("daymet", data.Basin("00000002").Product);
    }

    [Fact]
    public void ListedBasinsWithoutForcingAreReportedAndUnknownIdsAreErrors()
    {
        using var dir = Tree();
        var data = CamelsUsReader.Read(Options(dir.Path, ["daymet"], ["00000001", "00000003"]));
        Assert.Equal(["00000003"], data.BasinsWithoutData);
        Assert.Contains(data.Notes, n => n.Contains("1 listed basins have no forcing") && n.Contains("00000003"));
        var e = Assert.Throws<DataFormatException>(() => CamelsUsReader.Read(
            Options(dir.Path, ["daymet"], ["12345678"])));
        Assert.Contains("unknown basin id '12345678'", e.Message);
    }

    [Theory]
    [InlineData("00000001 2000 01 01   abc A\n", 1, "expected a number, got 'abc'")]
    [InlineData("00000001 2000 01 02   1.0 A\n00000001 2000 01 01   1.0 A\n", 2, "out of order")]
    [InlineData("00000001 2000 01 01   1.0 A\n00000001 2000 01 01   1.0 A\n", 2, "a duplicate")]
    [InlineData("00000001 2000 01 01\n", 1, "expected 'gauge_id YYYY MM DD Q flag'")]
    [InlineData("00000009 2000 01 01   1.0 A\n", 1, "does not match the file's basin")]
    [InlineData("00000001 2000 01 01   -5.0 A\n", 1, "negative streamflow")]
    [InlineData("", 1, "empty file")]
    public void BadStreamflowFilesNameFileAndLine(string content, int line, string expected)
    {
        using var dir = Tree();
        dir.File("usgs_streamflow/01/00000001_streamflow_qc.txt", content);
        var e = Assert.Throws<DataFormatException>(() => CamelsUsReader.Read(Options(dir.Path, ["daymet"])));
        Assert.Contains($"00000001_streamflow_qc.txt line {line}:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadForcingFilesNameFileAndLine()
    {
        using var dir = Tree();
        string file = dir.File("basin_mean_forcing/daymet/01/00000001_lump_cida_forcing_leap.txt",
            Forcing(LowerHeader, 3).Replace("\t1.00\t700.00\n2000 01 02", "\t1.00\t700.00\n2000 01 02 12\tx"));
        var e = Assert.Throws<DataFormatException>(() => CamelsUsReader.Read(Options(dir.Path, ["daymet"])));
        Assert.Contains("line 6", e.Message);
        dir.File("basin_mean_forcing/daymet/01/00000001_lump_cida_forcing_leap.txt", "  44.82\n 133.00\n");
        Assert.Contains("truncated file", Assert.Throws<DataFormatException>(
            () => CamelsUsReader.Read(Options(dir.Path, ["daymet"]))).Message);
        dir.File("basin_mean_forcing/daymet/01/00000001_lump_cida_forcing_leap.txt",
            Forcing(LowerHeader.Replace("tmax(C)", "tmaxx"), 3));
        Assert.Contains("missing column 'tmax(C)'", Assert.Throws<DataFormatException>(
            () => CamelsUsReader.Read(Options(dir.Path, ["daymet"]))).Message);
        _ = file;
    }

    [Fact]
    public void AGaugeCoordinateOutOfRangeNamesItsFileLineAndColumn()
    {
        using var dir = Tree();
        dir.File("basin_mean_forcing/daymet/01/00000001_lump_cida_forcing_leap.txt",
            Forcing(LowerHeader, 3).Replace("  44.82\n", "  144.82\n"));
        var e = Assert.Throws<DataFormatException>(() => CamelsUsReader.Read(Options(dir.Path, ["daymet"])));
        Assert.Contains("00000001_lump_cida_forcing_leap.txt line 1: expected a latitude in degrees (-90..90), got " +
            "144.82", e.Message);
        using var topo = Tree();
        topo.File("camels_attributes_v2.0/camels_topo.txt",
            "gauge_id;gauge_lat;gauge_lon;area_gages2\n00000001;44.6;-567.9;573.6\n00000002;40;-70;10\n");
        e = Assert.Throws<DataFormatException>(() => CamelsUsReader.Read(Options(topo.Path, ["daymet"])));
        Assert.Contains("camels_topo.txt line 2: column 'gauge_lon' of basin '00000001': expected a longitude in " +
            "degrees (-180..180 or 0..360), got -567.9", e.Message);
    }

    [SharedDataFact("camels_us")]
    public void TheSharedSubsetMatchesItsProvenance()
    {
        string root = SharedData.Folder("camels_us");
        var data = CamelsUsReader.Read(new CamelsUsReader.Options(root, ["nldas", "daymet"],
            ["PRCP(mm/day)", "Tmax(C)"], [], null, false));
        Assert.Equal(47, data.Basins.Count);
        Assert.All(data.Basins, b => Assert.Contains(b.Response, q => !float.IsNaN(q)));
        Assert.Equal(18, CamelsUsReader.IndexForcing(root, "nldas").Count);
        Assert.Equal(30, CamelsUsReader.IndexForcing(root, "daymet").Count);
        Assert.Equal(27, data.CharacteristicCount);
        Assert.All(data.Basins, b => Assert.All(b.Characteristics, v => Assert.True(double.IsFinite(v))));

        var nldas = data.Basin("01022500");
        Assert.Equal("nldas", nldas.Product);
        Assert.Equal(new DateOnly(1989, 10, 1), nldas.Dates[0]);
        Assert.Equal([0.00f, 7.76f], nldas.Drivers[..2]);     // first NLDAS row: PRCP 0.00, Tmax 7.76
        // 1999-10-01: 217 cfs over 587675987 m^2 = 217 * 0.028316846592 * 86400 * 1000 / 587675987 = 0.903401 mm/day
        int k = nldas.IndexOnOrAfter(new DateOnly(1999, 10, 1));
        Assert.Equal(0.903401, nldas.Response[k], 5);
        var forcing = CamelsUsReader.ReadForcing(CamelsUsReader.IndexForcing(root, "daymet")["01022500"],
            ["prcp(mm/day)", "tmax(C)", "tmin(C)"], false);
        Assert.Equal(587675987, forcing.AreaSquareMetres);
        Assert.Equal([0.00f, 16.50f, 0.88f], forcing.Drivers[..3]);
        var names = data.CharacteristicNames.ToList();
        Assert.Equal(3.60812594113621, nldas.Characteristics[names.IndexOf("p_mean")], 12);
        Assert.Equal(573.6, nldas.Characteristics[names.IndexOf("area_gages2")], 9);
    }
}
