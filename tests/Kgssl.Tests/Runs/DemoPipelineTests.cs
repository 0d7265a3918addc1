using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Runs;

namespace Kgssl.Tests.Runs;

public class DemoPipelineTests
{
    [Theory]
    [InlineData(4, "2005-10-01", "2007-09-30", "2007-10-01")]
    [InlineData(2, "2007-10-01", "2008-09-30", "2008-10-01")]
    [InlineData(5, "2004-10-01", "2007-09-30", "2007-10-01")]
    public void TheLastYearsTestTheYearsBeforeTrainAndTheyDoNotOverlap(int years, string trainStart, string trainEnd,
        string testStart)
    {
        var c = DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options(Basins: 50, Years: years));
        Assert.Equal(trainStart, c.Data.TrainStart);
        Assert.Equal(trainEnd, c.Data.TrainEnd);
        Assert.Equal(testStart, c.Data.TestStart);
        Assert.Equal("2009-09-30", c.Data.TestEnd);
        // the defaults pass the same validation as a user's file
        var parsed = ConfigLoader.Parse(ConfigLoader.ToYaml(c), "demo defaults", []);
        Assert.Equal(c.Data.Characteristics, parsed.Data.Characteristics);
    }

    [Fact]
    public void LogUniformParametersAreScoredAsLog10AndEveryParameterIsListed()
    {
        var names = DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options()).Data.Characteristics;
        Assert.Equal(17, names.Count);
        Assert.Contains("log10(K2)", names);
        Assert.Contains("MAXBAS", names);
        Assert.DoesNotContain("K2", names);
        Assert.Throws<ArgumentException>(() => DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options(Years: 1)));
        Assert.Contains("--noise", Assert.Throws<ArgumentException>(
            () => DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options(Noise: -0.1))).Message);
        Assert.Throws<ArgumentException>(() => DemoPipeline.DefaultConfig("/data",
            new DemoPipeline.Options(Noise: double.NaN)));
        Assert.NotNull(DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options(Noise: 0.1)));
    }

    [Fact]
    public void TheDemosSplitHoldsOut800BasinsAndValidatesOn320()
    {
        var c = DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options());
        var ids = Enumerable.Range(1, new DemoPipeline.Options().Basins).Select(i => $"b{i:D5}").ToList();
        var split = BasinSplit.Make(ids, c.Training.Seed, c.Data.HeldoutFraction, c.Data.Folds, c.Data.Fold,
            c.Data.ValidationFraction);
        Assert.Equal((10880, 320, 800), (split.Train.Count, split.Validation.Count, split.Heldout.Count));
        Assert.Equal(2880 * 7, c.Training.MaxAnchorsPerEpoch);
        Assert.Equal(2880, c.Evaluation.MaxTrainBasins);
    }

    [Fact]
    public void TheDemoConfigFileIsWhatTheDemoRuns()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kgssl.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var file = ConfigLoader.LoadFile(Path.Combine(dir!.FullName, "configs", "demo.yml"));
        var demo = DemoPipeline.DefaultConfig("/data", new DemoPipeline.Options());
        string Yaml(KgsslConfig c) => ConfigLoader.ToYaml(c with { Data = c.Data with { Root = "/data" } });
        Assert.Equal(Yaml(demo), Yaml(file));
    }
}
