using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Experiments;
using Kgssl.Hydrology;
using Kgssl.Runs;
using Kgssl.Synthetic;

namespace Kgssl.Tests.Experiments;

public class HbvInversionTests
{
    static BasinData Basin(float[] drivers, int days, double lat = 45) => new("b1",
        Enumerable.Range(0, days).Select(d => new DateOnly(2000, 1, 1).AddDays(d)).ToArray(), drivers,
        Enumerable.Repeat(1f, days).ToArray(), [], lat, -100, "p");

    [Fact]
    public void ForcingAveragesTmaxAndTminAndComputesHamonPetFromTheGaugeLatitude()
    {
        var b = Basin([2, 10, 0, 0, 4, 2], 2);
        var data = new HydroDataset("camels-us", "/r", ["prcp(mm/day)", "tmax(C)", "tmin(C)"], "q", [], [b], [], []);
        var hbv = HbvForcing.Convert(data, ["FC"]);
        Assert.Equal(HbvColumns.Drivers, hbv.DriverNames);
        var d = hbv.Basins[0].Drivers;
        Assert.Equal([2f, 5f], [d[0], d[1]]);
        Assert.Equal((float)Pet.Hamon(5, Pet.DayLengthHours(45, 1)), d[2]);
        Assert.Equal(3f, d[4]);
        Assert.True(double.IsNaN(hbv.Basins[0].Characteristics.Single()));
    }

    [Fact]
    public void GapNamesMissingDaysAndMissingDriverValues()
    {
        var b = Basin([1, 5, 1, float.NaN, 1, 5], 3);
        Assert.Equal("covers 3 of the 5 days 2000-01-01..2000-01-05",
            HbvForcing.Gap(b, new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 5)));
        Assert.Equal("a missing driver value on 2000-01-02",
            HbvForcing.Gap(b, new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 3)));
        Assert.Null(HbvForcing.Gap(b, new DateOnly(2000, 1, 3), new DateOnly(2000, 1, 3)));
    }

    [Fact]
    public void LatitudeGapNamesAMissingOrImpossibleGaugeLatitude()
    {
        Assert.Null(HbvForcing.LatitudeGap(Basin([1, 5], 1)));
        Assert.Equal("no gauge latitude (gauge_lat), which Hamon PET needs",
            HbvForcing.LatitudeGap(Basin([1, 5], 1, double.NaN)));
        Assert.Equal("gauge_lat: expected a latitude in degrees (-90..90), got 95",
            HbvForcing.LatitudeGap(Basin([1, 5], 1, 95)));
    }

    [Fact]
    public void VariesIsFalseForAConstantOrUnobservedFlow()
    {
        var b = Basin([1, 5, 1, 5, 1, 5], 3) with { Response = [0, float.NaN, 0] };
        Assert.False(HbvForcing.Varies(b, new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 3)));
        Assert.True(HbvForcing.Varies(b with { Response = [0, float.NaN, 0.1f] }, new DateOnly(2000, 1, 1),
            new DateOnly(2000, 1, 3)));
        Assert.False(HbvForcing.Varies(b with { Response = [float.NaN, float.NaN, float.NaN] },
            new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 3)));
    }

    static HbvInversion.Options Small(string root, string? inverse = null) => new(root, Source: "synthetic",
        InverseRun: inverse, Members: 30, EnsembleYears: 2, Seed: 5, Population: 8, Generations: 5, References: 2,
        ReferencePopulation: 20, ReferenceGenerations: 40)
    {
        CalibrationStart = new(2005, 10, 1), CalibrationEnd = new(2009, 9, 30),
        TestStart = new(2001, 10, 1), TestEnd = new(2005, 9, 30),
    };

    [Fact]
    public void InvertsBasinsOfAKnownHbvAndReusesATrainedInverseToTheSameLearnedParameters()
    {
        // observed basins that HBV itself made: calibration must find parameters that carry to the test years
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 4, 8, 11, Start: new DateOnly(2001, 10, 1)));
        var silent = new Kgssl.Tests.Training.TrainerTests.Silent();
        var run = RunDirectory.Create("invert", dir.Sub("run"));
        var outcome = HbvInversion.Run(run, Small(root), silent);
        Assert.Equal(4, outcome.Basins.Count);
        Assert.Empty(outcome.Dropped);

        var summary = File.ReadAllLines(run.File(RunFiles.InversionSummary));
        Assert.Equal(HbvInversion.Methods, summary.Skip(1).Select(l => l.Split(',')[0]));
        double Cell(string method, string column) => double.Parse(summary.Single(l => l.StartsWith(method + ","))
            .Split(',')[Array.IndexOf(summary[0].Split(','), column)], CultureInfo.InvariantCulture);
        // 4 basins are too few for the regional prior: one round under the learned prior, the same runs; three
        // searches of them
        Assert.Equal(3 * 8 * 6, Cell("refined", "hbv_runs_per_basin"));
        Assert.False(File.Exists(run.File(RunFiles.RegionalPrior)));
        Assert.Equal(20 * 41, Cell("calibrated", "hbv_runs_per_basin"));
        Assert.Equal(0, Cell("learned", "hbv_runs_per_basin"));
        Assert.Equal(0, Cell("emulator", "hbv_runs_per_basin"));
        Assert.True(double.IsFinite(Cell("emulator", "median_nse")));
        Assert.True(Cell("calibrated", "median_nse") > 0.8,
            $"calibrated median NSE {Cell("calibrated", "median_nse")}");

        var parameters = File.ReadAllLines(run.File(RunFiles.Parameters));
        // a row per parameter set: learned and calibrated one each, refined one per search
        Assert.Equal(1 + 4 * (1 + 3 + 1), parameters.Length);
        Assert.Equal(["1", "2", "3"],
            parameters.Where(l => l.Contains(",refined,")).Take(3).Select(l => l.Split(',')[2]));
        var header = parameters[0].Split(',');
        int fc = Array.IndexOf(header, "FC");
        Assert.All(parameters.Skip(1), l => Assert.InRange(double.Parse(l.Split(',')[fc], CultureInfo.InvariantCulture),
            50, 500));
        // storages after the last calibration day, per basin and method with parameters: soil moisture within FC
        var storages = File.ReadAllLines(run.File(RunFiles.Storages));
        Assert.Equal("basin,method,search,date,snow,snow_liquid,soil,upper_box,lower_box,routing,routing_day_1," +
            "routing_day_2,routing_day_3,routing_day_4,routing_day_5", storages[0]);
        Assert.Equal(parameters.Skip(1).Select(l => string.Join(',', l.Split(',')[..3])),
            storages.Skip(1).Select(l => string.Join(',', l.Split(',')[..3])));
        for (int i = 1; i < storages.Length; i++)
        {
            var cells = storages[i].Split(',');
            Assert.Equal("2009-09-30", cells[3]);
            var mm = cells[4..].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(mm, v => Assert.True(v >= 0, storages[i]));
            Assert.InRange(mm[2], 0, double.Parse(parameters[i].Split(',')[fc], CultureInfo.InvariantCulture) + 1e-6);
            Assert.Equal(mm[5], mm[6..].Sum(), 6); // the routing's water, by the day it arrives
        }
        Assert.Equal(11, File.ReadAllLines(run.File(RunFiles.InversionAgreement)).Length - 1);
        // the root's attributes hold the true parameters: each method's estimates scored against them, with sds
        // that are positive and finite
        var truth = File.ReadAllLines(run.File(RunFiles.InversionTruth));
        Assert.Equal("method,parameter,n,r,rmse,within_1sd,within_2sd,median_abs_z", truth[0]);
        Assert.Equal(3 * 11, truth.Length - 1);
        Assert.All(truth.Skip(1), l => Assert.Equal("4", l.Split(',')[2]));
        int sdFc = Array.IndexOf(header, "sd_FC");
        Assert.All(parameters.Skip(1), l => Assert.InRange(
            double.Parse(l.Split(',')[sdFc], CultureInfo.InvariantCulture), 1e-9, 450));
        var comparison = File.ReadAllLines(run.File(RunFiles.InversionComparison));
        // the last row: the second calibration from scratch against the first, the gap that chance alone makes
        Assert.Equal(["learned,calibrated", "refined,calibrated", "emulator,calibrated", "calibrated_again,calibrated"],
            comparison.Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.All(outcome.Basins, b => Assert.True(b.SecondReferenceNse > 0.5, $"{b.Id}: {b.SecondReferenceNse}"));
        Assert.Equal("4", comparison[^1].Split(',')[2]);

        var id = outcome.Basins[0].Id;
        var flows = File.ReadAllLines(Path.Combine(run.File(RunFiles.FlowsFolder), id + ".csv"));
        Assert.Equal("date,observed,learned,refined,calibrated,emulator,learned_low,learned_high,refined_low," +
            "refined_high,calibrated_low,calibrated_high", flows[0]);
        // each band has its lower bound at no flow or above and below its upper one; the share of observed days
        // inside it is in inversion_basins.csv
        foreach (var row in flows.Skip(1).Select(l => l.Split(',').Skip(1).Select(v => double.Parse(v,
            CultureInfo.InvariantCulture)).ToArray()))
            for (int m = 0; m < 3; m++) Assert.InRange(row[5 + 2 * m], 0, row[6 + 2 * m]);
        Assert.All(File.ReadAllLines(run.File(RunFiles.InversionBasins)).Skip(1).Where(l => !l.Contains("emulator")),
            l => Assert.InRange(double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture), 0, 1));
        Assert.Equal(1 + 1461, flows.Length);
        Assert.StartsWith("2001-10-01,", flows[1]);
        // HBV run again from the written parameters over the test years gives the inversion's test flows
        var simulated = HbvSimulation.Run(RunDirectory.Create("simulate", dir.Sub("simulate")),
            new HbvSimulation.Options(run.File(RunFiles.Parameters), root, "caravan", "synthetic", "refined",
                new(2001, 10, 1), new(2005, 9, 30)) { Bands = run.File(RunFiles.FlowBands) }, silent);
        Assert.Equal(4, simulated.Basins.Count);
        int refinedAt = Array.IndexOf(flows[0].Split(','), "refined");
        var again0 = simulated.Basins.Single(b => b.Id == id);
        int lowAt = Array.IndexOf(flows[0].Split(','), "refined_low"), highAt = lowAt + 1;
        double FlowAt(int t, int k) => double.Parse(flows[t + 1].Split(',')[k], CultureInfo.InvariantCulture);
        for (int t = 0; t < again0.Simulated.Length; t++)
        {
            Assert.Equal(FlowAt(t, refinedAt), again0.Simulated[t], 0.0011);
            Assert.Equal(FlowAt(t, lowAt), again0.Low[t], 0.0011);
            Assert.Equal(FlowAt(t, highAt), again0.High[t], 0.0011);
        }
        Assert.Equal(outcome.Basins[0].ByMethod["refined"].Coverage, again0.Coverage, 1e-9);
        Assert.Equal(outcome.Basins[0].ByMethod["refined"].Nse, simulated.Basins.Single(b => b.Id == id).Nse, 1e-6);

        // the ensemble's series are gone once the inverse is trained; the reuse below does not need them
        Assert.False(Directory.Exists(Path.Combine(run.File("inverse"), "data", "timeseries")));
        Assert.True(File.Exists(Path.Combine(run.File("inverse"), "data", "ensemble.json")));
        var again = RunDirectory.Create("invert", dir.Sub("again"));
        HbvInversion.Run(again, Small(root, run.File("inverse")) with { References = 0 }, silent);
        Assert.Equal(parameters.Where(l => l.Contains(",learned,")),
            File.ReadAllLines(again.File(RunFiles.Parameters)).Where(l => l.Contains(",learned,")));
        Assert.DoesNotContain(File.ReadAllLines(again.File(RunFiles.InversionSummary)),
            l => l.StartsWith("calibrated"));
        Assert.False(Directory.Exists(again.File("inverse")));
        Assert.False(File.Exists(again.File(RunFiles.InversionComparison)));
        // without calibrations the report leaves out the columns that would hold nothing but NaN
        string againHtml = File.ReadAllText(Kgssl.Report.ReportWriter.WriteInversion(again));
        Assert.Contains("<th>r_<wbr>learned_<wbr>refined</th>", againHtml);
        Assert.DoesNotContain("r_<wbr>calibrated_<wbr>two_<wbr>seeds", againHtml);

        string report = Kgssl.Report.ReportWriter.WriteInversion(run);
        string html = File.ReadAllText(report);
        Assert.Contains("id=\"inversion_summary\"", html);
        Assert.Contains("id=\"inversion_agreement\"", html);
        Assert.Contains("<th>r_<wbr>calibrated_<wbr>two_<wbr>seeds</th>", html);
        Assert.Contains("id=\"inversion_comparison\"", html);
        Assert.Contains("<b>calibrated_again</b> is the second calibration", html);
        Assert.Contains("id=\"inversion_truth\"", html);
        Assert.Contains("<td>FC</td><td>mm</td>", html);
        Assert.Contains("alt=\"hydrograph worst\"", html);
    }

    [Fact]
    public void RecordsOutsideThePeriodsAreRefusedWithTheYearsTheyCover()
    {
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 2, 8, 11, Start: new DateOnly(2001, 10, 1)));
        var o = Small(root) with
        {
            CalibrationStart = new(1999, 10, 1), CalibrationEnd = new(2008, 9, 30),
            TestStart = new(1989, 10, 1), TestEnd = new(1999, 9, 30),
        };
        var e = Assert.Throws<InvalidDataException>(() => HbvInversion.Run(RunDirectory.Create("invert",
            dir.Sub("run")), o, new Kgssl.Tests.Training.TrainerTests.Silent()));
        Assert.Contains("none of 2 basins covers both", e.Message);
        Assert.EndsWith("; the records span 2001-10-01:2009-09-30: choose --calibration-period and --test-period " +
            "inside them", e.Message);
    }

    [Fact]
    public void ARegionalPriorRefinesInTwoRoundsWithinTheSameRunsAndWritesItsTable()
    {
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(root, 30, 8, 13, Start: new DateOnly(2001, 10, 1)));
        var run = RunDirectory.Create("invert", dir.Sub("run"));
        var o = Small(root) with { References = 0, RegionalWeight = 0.01, KeepEnsemble = true };
        var outcome = HbvInversion.Run(run, o, new Kgssl.Tests.Training.TrainerTests.Silent());
        Assert.Equal(30, outcome.Basins.Count);
        Assert.True(Directory.Exists(Path.Combine(run.File("inverse"), "data", "timeseries")));
        // 5 generations: 2 in the first round (and its initial population), 3 in the second from where it stopped
        Assert.All(outcome.Basins, b => Assert.Equal(3 * 8 * 6, b.ByMethod["refined"].Runs));
        Assert.All(outcome.Basins, b => Assert.True(double.IsFinite(b.ByMethod["refined"].CalibrationObjective)));
        var table = File.ReadAllLines(run.File(RunFiles.RegionalPrior));
        Assert.Equal("parameter,sd_unit,r2,ridge_penalty,weight", table[0]);
        Assert.Equal(outcome.Columns.Select(c => c.Name), table.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(table.Skip(1), l => Assert.InRange(double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture),
            HbvInversion.RegionalPrior.MinimumSigma, 1));
        Assert.Equal(outcome.Regional!.Sigma, table.Skip(1).Select(l => double.Parse(l.Split(',')[1],
            CultureInfo.InvariantCulture)), (a, b) => Math.Abs(a - b) < 1e-3);
        Assert.Contains("id=\"regional_prior\"", File.ReadAllText(Kgssl.Report.ReportWriter.WriteInversion(run)));
    }

    [Fact]
    public void OptionsNameTheBadOptionInOneLine()
    {
        var ok = new HbvInversion.Options("/r");
        ok.Validate();
        Assert.Equal(1152, ok.RefinementRuns); // three searches of 24 x 16, at most a fifth of 6040
        Assert.Equal(384, ok.SearchRuns);
        Assert.Contains("--searches must be in 1..10, got 0", Assert.Throws<ArgumentException>(() =>
            (ok with { Searches = 0 }).Validate()).Message);
        Assert.Equal(6040, ok.ReferenceRuns);
        Assert.Equal(new DateOnly(2004, 10, 1), ok.EnsembleStart);
        Assert.Contains("--references", Assert.Throws<ArgumentException>(() =>
            (ok with { References = 3 }).Validate()).Message);
        Assert.Contains("--calibration-period: the end 2000-01-01 is before", Assert.Throws<ArgumentException>(() =>
            (ok with { CalibrationEnd = new DateOnly(2000, 1, 1), CalibrationStart = new DateOnly(2001, 1, 1) })
                .Validate()).Message);
        Assert.Contains("--test-period", Assert.Throws<ArgumentException>(() =>
            (ok with { TestEnd = new DateOnly(1980, 1, 1) }).Validate()).Message);
        Assert.Contains("overlaps --calibration-period 1999-10-01:2008-09-30", Assert.Throws<ArgumentException>(() =>
            (ok with { TestEnd = new DateOnly(1999, 10, 1) }).Validate()).Message);
        (ok with { TestStart = new DateOnly(2008, 10, 1), TestEnd = new DateOnly(2009, 9, 30) }).Validate();
        Assert.Contains("--dataset", Assert.Throws<ArgumentException>(() =>
            (ok with { Dataset = "grdc" }).Validate()).Message);
        Assert.Contains("--explore must be in [0, 1)", Assert.Throws<ArgumentException>(() =>
            (ok with { Explore = 1 }).Validate()).Message);
        Assert.Contains("CMA-ES", Assert.Throws<ArgumentException>(() =>
            (ok with { Explore = 0.5, Strategy = Choices.Refinement.Cmaes }).Validate()).Message);
        Assert.Contains("--prior-spread", Assert.Throws<ArgumentException>(() =>
            (ok with { SpreadScale = 0 }).Validate()).Message);
        Assert.Contains("--regional-prior must be >= 0", Assert.Throws<ArgumentException>(() =>
            (ok with { RegionalWeight = -1 }).Validate()).Message);
        Assert.Contains("only for the DE strategies", Assert.Throws<ArgumentException>(() =>
            (ok with { RegionalWeight = 0.01, Strategy = Choices.Refinement.Cmaes }).Validate()).Message);
    }

    [Fact]
    public void TheRegionalPriorCentresEachBasinWhereTheRegionsFitsPutABasinReadLikeIt()
    {
        // the refined parameters are the learned ones shifted and shrunk (0.8 to 0.6), plus noise of sd 0.05: the
        // ridge learns the map (within what 200 basins and ten other features allow), its residuals' spread is the
        // sigma, and a parameter every basin fits alike keeps the floor
        var rng = new SeededRandom(3);
        var learned = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 11).Select(_ => rng.Uniform())
            .ToArray()).ToList();
        var refined = learned.Select(l => l.Select((v, k) => k == 10 ? 0.5 : 0.2 + 0.5 * v + 0.05 * rng.Normal())
            .ToArray()).ToList();
        var prior = HbvInversion.RegionalPrior.Fit(learned, refined, 0.02);
        Assert.InRange(prior.Sigma[3], 0.045, 0.056);
        Assert.Equal(HbvInversion.RegionalPrior.MinimumSigma, prior.Sigma[10]);
        Assert.InRange(prior.R2[0], 0.85, 0.95);
        var at = prior.For([.. Enumerable.Repeat(0.8, 11)]);
        Assert.Equal(0.02, at.Weight);
        Assert.All(at.Center[..10], c => Assert.InRange(c, 0.56, 0.64));
        Assert.Equal(0.5, at.Center[10], 6);
        Assert.Contains("at least 30 basins", Assert.Throws<ArgumentException>(() =>
            HbvInversion.RegionalPrior.Fit(learned[..10], refined[..10], 0.02)).Message);
    }
}
