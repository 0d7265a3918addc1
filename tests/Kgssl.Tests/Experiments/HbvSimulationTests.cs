using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Experiments;
using Kgssl.Hydrology;
using Kgssl.Runs;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Experiments;

public class HbvSimulationTests
{
    static readonly string Header = "basin,method,TT,CFMAX,FC,LP,BETA,PERC,UZL,log10(K0),log10(K1),log10(K2),MAXBAS";

    static HbvSimulation.Options Options(string parameters, string root, DateOnly start, DateOnly end,
        string method = "refined") => new(parameters, root, "caravan", "synthetic", method, start, end);

    /// <summary>A parameters table of a synthetic root's true parameters (physical units, no method column), and
    /// the first basin's again under each of <paramref name="otherIds"/>.</summary>
    static string TrueParameters(TempDir dir, string root, params string[] otherIds)
    {
        var attributes = File.ReadAllLines(Path.Combine(root, "attributes", "synthetic", "attributes_synthetic.csv"));
        var names = attributes[0].Split(',');
        var lines = new List<string> { "basin," + string.Join(',', HbvParameters.Ranges.Select(r => r.Name)) };
        foreach (var row in attributes.Skip(1).Select(l => l.Split(',')))
            lines.Add(row[0] + "," + string.Join(',', HbvParameters.Ranges.Select(r => row[Array.IndexOf(names,
                r.Name)])));
        foreach (var id in otherIds) lines.Add(id + "," + string.Join(',', lines[1].Split(',').Skip(1)));
        return dir.File("parameters.csv", string.Join('\n', lines) + "\n");
    }

    [Fact]
    public void TheTrueParametersReproduceASyntheticBasinsStreamflowAndAreScoredAgainstIt()
    {
        // HBV made these flows with these parameters; the record's first year spins the model up from default
        // storages where the generator had a spin-up of its own, so after it the two runs carry the same storages
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 3, 6, 17, Start: new DateOnly(2001, 10, 1)));
        // and a basin the root does not have: left out, with the reason
        string table = TrueParameters(dir, root, "unknown_basin");

        var run = RunDirectory.Create("simulate", dir.Sub("run"));
        var outcome = HbvSimulation.Run(run, Options(table, root, new(2001, 10, 1), new(2007, 9, 30)),
            new Kgssl.Tests.Training.TrainerTests.Silent());
        Assert.Equal(3, outcome.Basins.Count);
        Assert.Equal([("unknown_basin", $"not among the basins of {root}")], outcome.Dropped);
        foreach (var b in outcome.Basins)
        {
            Assert.Equal(2191, b.Simulated.Length);
            Assert.Equal(2191, b.ObservedDays);
            var late = Enumerable.Range(365, b.Simulated.Length - 365).ToArray();
            double nse = Kgssl.Evaluation.Metrics.Nse(late.Select(t => b.Simulated[t]).ToArray(),
                late.Select(t => b.Observed[t]).ToArray());
            Assert.True(nse > 0.995, $"{b.Id}: NSE {nse} after the first year");
            Assert.True(b.Nse > 0.9, $"{b.Id}: NSE {b.Nse}");
        }
        var basins = File.ReadAllLines(run.File(RunFiles.SimulationBasins));
        Assert.Equal("basin,method,observed_days,nse,kge,log_nse,coverage_90", basins[0]);
        Assert.StartsWith("basin,method,search,date,snow,snow_liquid,soil,upper_box,lower_box,routing,routing_day_1,",
            File.ReadAllLines(run.File(RunFiles.Storages))[0]);
        Assert.Equal(4, basins.Length);
        Assert.All(basins.Skip(1), l => Assert.Equal(HbvSimulation.Given, l.Split(',')[1]));
        Assert.Contains("unknown_basin", File.ReadAllText(run.File(RunFiles.SimulationDropped)));
        var flows = File.ReadAllLines(Path.Combine(run.File(RunFiles.FlowsFolder), outcome.Basins[0].Id + ".csv"));
        Assert.Equal("date,observed,simulated", flows[0]);
        Assert.StartsWith("2001-10-01,", flows[1]);
        Assert.StartsWith("2007-09-30,", flows[^1]);
        // `kgssl report` knows a simulation's folder by its options file, which the command writes
        File.WriteAllText(run.File(RunFiles.SimulateOptions), "{}");
        string html = File.ReadAllText(Kgssl.Report.ReportWriter.ForRun(run,
            new Kgssl.Tests.Training.TrainerTests.Silent()));
        Assert.Contains("id=\"simulation_summary\"", html);
        Assert.Contains("alt=\"hydrograph worst\"", html);

        // a scenario's forcing has no streamflow: simulated all the same, with nothing to score
        string series = Path.Combine(root, "timeseries", "csv", "synthetic", outcome.Basins[0].Id + ".csv");
        File.WriteAllLines(series,
            File.ReadAllLines(series).Select((l, i) => i == 0 ? l : l[..(l.LastIndexOf(',') + 1)]));
        var scenario = HbvSimulation.Run(RunDirectory.Create("simulate", dir.Sub("scenario")),
            Options(table, root, new(2001, 10, 1), new(2007, 9, 30)), new Kgssl.Tests.Training.TrainerTests.Silent());
        var blind = scenario.Basins[0];
        Assert.Equal((0, true), (blind.ObservedDays, double.IsNaN(blind.Nse)));
        Assert.Equal(outcome.Basins[0].Simulated, blind.Simulated);

        // a period the record does not cover: every basin left out, said in one line
        var none = Assert.Throws<InvalidDataException>(() => HbvSimulation.Run(
            RunDirectory.Create("simulate", dir.Sub("none")), Options(table, root, new(1990, 1, 1), new(1991, 1, 1)),
            new Kgssl.Tests.Training.TrainerTests.Silent()));
        Assert.Contains("none of its 4 basins can be run over 1990-01-01..1991-01-01", none.Message);
    }

    [Fact]
    public void OnlyTheTablesBasinsAreReadFromTheRoot()
    {
        // a root may hold thousands of basins: a broken file of a basin the table does not name stops nothing
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 3, 3, 17, Start: new DateOnly(2001, 10, 1)));
        var lines = File.ReadAllLines(TrueParameters(dir, root));
        string table = dir.File("two.csv", string.Join('\n', lines.Take(3)) + "\n");
        string third = lines[3].Split(',')[0];
        Assert.Equal([lines[1].Split(',')[0], lines[2].Split(',')[0]],
            HbvForcing.Held(root, "caravan", "synthetic", [lines[1].Split(',')[0], "unknown_basin",
                lines[2].Split(',')[0]]));
        File.WriteAllText(Path.Combine(root, "timeseries", "csv", "synthetic", third + ".csv"), "not,a\ntable\n");
        var outcome = HbvSimulation.Run(RunDirectory.Create("simulate", dir.Sub("run")),
            Options(table, root, new(2001, 10, 1), new(2004, 9, 30)), new Kgssl.Tests.Training.TrainerTests.Silent());
        Assert.Equal(2, outcome.Basins.Count);

        // no basin of the table in the root: nothing read, every basin left out, said in one line
        string unknown = dir.File("unknown.csv", lines[0] + "\nunknown_basin," +
            string.Join(',', lines[1].Split(',').Skip(1)) + "\n");
        var none = Assert.Throws<InvalidDataException>(() => HbvSimulation.Run(
            RunDirectory.Create("simulate", dir.Sub("none")), Options(unknown, root, new(2001, 10, 1),
                new(2004, 9, 30)), new Kgssl.Tests.Training.TrainerTests.Silent()));
        Assert.Contains("none of its 1 basins can be run", none.Message);
        Assert.Contains($"unknown_basin: not among the basins of {root}", none.Message);
    }

    [Fact]
    public void APeriodGoesOnFromTheStoragesTheRunBeforeItEndedWith()
    {
        // three years with a spin-up, then the next three from the storages they ended with: the same flows as the
        // six years in one run
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 2, 6, 19, Start: new DateOnly(2001, 10, 1)));
        string table = TrueParameters(dir, root);
        var silent = new Kgssl.Tests.Training.TrainerTests.Silent();
        var first = RunDirectory.Create("simulate", dir.Sub("first"));
        HbvSimulation.Run(first, Options(table, root, new(2001, 10, 1), new(2004, 9, 30)), silent);
        var whole = HbvSimulation.Run(RunDirectory.Create("simulate", dir.Sub("whole")),
            Options(table, root, new(2001, 10, 1), new(2007, 9, 30)), silent);
        var next = HbvSimulation.Run(RunDirectory.Create("simulate", dir.Sub("next")),
            Options(table, root, new(2004, 10, 1), new(2007, 9, 30)) with
                { Storages = first.File(RunFiles.Storages) }, silent);
        Assert.Empty(next.Dropped);
        foreach (var (b, w) in next.Basins.Zip(whole.Basins))
            for (int t = 0; t < b.Simulated.Length; t++) Assert.Equal(w.Simulated[1096 + t], b.Simulated[t], 6);

        // storages of another day: left out, saying which day the period must start on
        var late = Assert.Throws<InvalidDataException>(() => HbvSimulation.Run(
            RunDirectory.Create("simulate", dir.Sub("late")), Options(table, root, new(2004, 10, 2),
                new(2007, 9, 30)) with { Storages = first.File(RunFiles.Storages) }, silent));
        Assert.Contains("its storages are of 2004-09-30, so --period must start on 2004-10-01", late.Message);
    }

    [Theory]
    [InlineData("b1,2004-09-30,0,0,-5,0,10,0", "line 2: column 'soil': expected a storage >= 0 mm, got '-5'")]
    [InlineData("b1,2004-09-31,0,0,5,0,10,0", "line 2: column 'date': expected an ISO date yyyy-MM-dd")]
    [InlineData("b1,2004-09-30,0,0,5,0,10,1.5", "line 2: column 'routing': 1.5 mm under way, but no routing_day_1")]
    [InlineData("b1,2004-09-30,0,0,5,0,10,0\nb1,2004-09-30,0,0,5,0,10,0", "line 3: basin 'b1' again")]
    public void ABadStoragesTableIsRefusedNamingTheFileLineAndColumn(string rows, string expected)
    {
        using var dir = new TempDir();
        string table = dir.File("s.csv", "basin,date,snow,snow_liquid,soil,upper_box,lower_box,routing\n" + rows +
            "\n");
        var e = Assert.Throws<DataFormatException>(() => HbvSimulation.ReadStorages(table, "refined"));
        Assert.Contains(table, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("b1,refined,1,2,-0.5,0.5\nb1,refined,3,NaN,-0.5,0.5", "line 3: column 'class': expected 2")]
    [InlineData("b1,refined,1,2,0.5,-0.5", "line 2: column 'low': 0.5 is not at most high -0.5")]
    [InlineData("b1,refined,1,2,-0.5,0.5\nb1,refined,2,1,-0.5,0.5", "line 3: column 'upper_edge': 1 is not above")]
    [InlineData("b1,refined,1,NaN,-0.5,0.5\nb1,refined,2,NaN,-0.5,0.5", "line 3: a class after the last one")]
    public void ABadBandsTableIsRefusedNamingTheFileAndLine(string rows, string expected)
    {
        using var dir = new TempDir();
        string table = dir.File("b.csv", "basin,method,class,upper_edge,low,high\n" + rows + "\n");
        var e = Assert.Throws<DataFormatException>(() => HbvSimulation.ReadBands(table, "refined"));
        Assert.Contains(table, e.Message);
        Assert.Contains(expected, e.Message);
        string good = dir.File("g.csv", "basin,method,class,upper_edge,low,high\nb1,refined,1,2,-0.4,0.5\n" +
            "b1,refined,2,NaN,-0.2,0.3\nb1,learned,1,NaN,-1,1\n");
        var band = HbvSimulation.ReadBands(good, "refined")["b1"];
        Assert.Equal([2.0], band.Edges);
        Assert.Equal([-0.4, -0.2], band.Low);
        Assert.Equal([0.5, 0.3], band.High);
    }

    [Fact]
    public void AParametersTableIsReadByColumnNameAndTheMethodsRows()
    {
        using var dir = new TempDir();
        const string values = "0.5,3,200,0.7,2,1,20,-1,-1.5,-2.5,2.5";
        string table = dir.File("p.csv", $"{Header}\nb1,learned,{values}\nb1,refined,{values.Replace("200", "250")}\n" +
            $"b2,refined,{values}\n");
        var rows = HbvSimulation.ReadParameters(table, "refined");
        Assert.Equal("refined", rows.Method);
        Assert.Equal(["b1", "b2"], rows.Rows.Select(r => r.Id));
        Assert.Equal(250, rows.Rows[0].Parameters.FC);
        Assert.Equal(0.1, rows.Rows[0].Parameters.K0, 9);
        Assert.Equal(200, HbvSimulation.ReadParameters(table, "learned").Rows.Single().Parameters.FC);
        // without a method column every row is taken; physical K columns read as they are
        string plain = dir.File("plain.csv", "MAXBAS,basin,TT,CFMAX,FC,LP,BETA,PERC,UZL,K0,K1,K2\n" +
            "2.5,b9,0.5,3,200,0.7,2,1,20,0.1,0.03,0.003\n");
        var given = HbvSimulation.ReadParameters(plain, "refined");
        Assert.Equal(HbvSimulation.Given, given.Method);
        var p = given.Rows.Single();
        Assert.Equal(("b9", 2.5, 0.003), (p.Id, p.Parameters.MAXBAS, p.Parameters.K2));
    }

    [Theory]
    [InlineData("b1,refined,0.5,3,2000,0.7,2,1,20,-1,-1.5,-2.5,2.5",
        "line 2: column 'FC': 2000 mm is outside HBV's range")]
    [InlineData("b1,refined,0.5,3,abc,0.7,2,1,20,-1,-1.5,-2.5,2.5",
        "line 2: column 'FC': expected a number, got 'abc'")]
    [InlineData("b1,refined,0.5,3,,0.7,2,1,20,-1,-1.5,-2.5,2.5", "line 2: column 'FC': empty")]
    [InlineData("b1,refined,0.5,3,200,0.7,2,1,20,-1,-1.5,-2.5", "line 2: expected 13 fields as in the header, got 12")]
    [InlineData("b1,learned,0.5,3,200,0.7,2,1,20,-1,-1.5,-2.5,2.5", "no rows of method 'refined' (has: learned)")]
    [InlineData("b1,refined,0.5,3,200,0.7,2,1,20,-1,-1.5,-2.5,2.5\nb1,refined,0.5,3,200,0.7,2,1,20,-1,-1.5,-2.5,2.5",
        "line 3: basin 'b1' again (first on line 2) for method 'refined'")]
    public void ABadParametersTableIsRefusedNamingTheFileLineAndColumn(string rows, string expected)
    {
        using var dir = new TempDir();
        string table = dir.File("p.csv", Header + "\n" + rows + "\n");
        var e = Assert.Throws<DataFormatException>(() => HbvSimulation.ReadParameters(table, "refined"));
        Assert.Contains(table, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ABasinsSetsOfSeveralSearchesAreRunEachAndTheirFlowsAveraged()
    {
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 2, 4, 23, Start: new DateOnly(2001, 10, 1)));
        var lines = File.ReadAllLines(TrueParameters(dir, root));
        string id = lines[1].Split(',')[0], truth = string.Join(',', lines[1].Split(',').Skip(1));
        var cells = truth.Split(',');
        cells[2] = "100"; // FC
        string other = string.Join(',', cells);
        string sets = dir.File("sets.csv", $"basin,search,{lines[0][6..]}\n{id},1,{truth}\n{id},2,{other}\n");
        string one = dir.File("one.csv", $"basin,{lines[0][6..]}\n{id},{truth}\n");
        string two = dir.File("two.csv", $"basin,{lines[0][6..]}\n{id},{other}\n");
        var silent = new Kgssl.Tests.Training.TrainerTests.Silent();
        HbvSimulation.BasinRun Run(string table, string name) => HbvSimulation.Run(RunDirectory.Create("simulate",
            dir.Sub(name)), Options(table, root, new(2001, 10, 1), new(2005, 9, 30)), silent).Basins.Single();
        var both = Run(sets, "both");
        var (a, b) = (Run(one, "one"), Run(two, "two"));
        Assert.NotEqual(a.Simulated, b.Simulated);
        for (int t = 0; t < both.Simulated.Length; t++)
            Assert.Equal((a.Simulated[t] + b.Simulated[t]) / 2, both.Simulated[t], 12);
        Assert.Equal(Kgssl.Evaluation.Metrics.Nse(both.Simulated, both.Observed), both.Nse, 12);
        // the storages each set ends with, a row per search
        Assert.Equal(["1", "2"], both.Ends.Select(e => e.Search));
        Assert.Equal(a.Ends[0].End.Soil, both.Ends[0].End.Soil);
        Assert.Equal(b.Ends[0].End.Soil, both.Ends[1].End.Soil);
        var storages = File.ReadAllLines(Path.Combine(dir.Sub("both"), RunFiles.Storages));
        Assert.Equal([$"{id},given,1", $"{id},given,2"], storages.Skip(1).Select(l => string.Join(',',
            l.Split(',')[..3])));

        string again = dir.File("again.csv", $"basin,search,{lines[0][6..]}\n{id},1,{truth}\n{id},1,{other}\n");
        Assert.Contains("line 3: basin '" + id + "' again (first on line 2) and search 1",
            Assert.Throws<DataFormatException>(() => HbvSimulation.ReadParameters(again, "refined")).Message);
        string bad = dir.File("bad.csv", $"basin,search,{lines[0][6..]}\n{id},0,{truth}\n");
        Assert.Contains("line 2: column 'search': expected a whole number >= 1, got '0'",
            Assert.Throws<DataFormatException>(() => HbvSimulation.ReadParameters(bad, "refined")).Message);
    }

    [Fact]
    public void ATableWithoutAParameterNamesIt()
    {
        using var dir = new TempDir();
        string table = dir.File("p.csv",
            Header.Replace(",UZL", "") + "\nb1,refined,0.5,3,200,0.7,2,1,-1,-1.5,-2.5,2.5\n");
        var e = Assert.Throws<DataFormatException>(() => HbvSimulation.ReadParameters(table, "refined"));
        Assert.Contains("no column 'UZL' or 'log10(UZL)'", e.Message);
    }
}
