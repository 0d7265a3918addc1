using Kgssl.Config;
using Kgssl.Experiments;
using Kgssl.Hydrology;
using Kgssl.Runs;
using Kgssl.Synthetic;
using Kgssl.Training;
using TorchSharp;

namespace Kgssl.Tests.Training;

[Collection("torch")]
public class TrainerTests
{
    internal sealed class Silent : IRunReporter
    {
        public void Info(string message) { }
        public void Progress(string task, double fraction, string detail = "") { }
    }

    internal static KgsslConfig Tiny(string dataRoot, int epochs, bool randomWindows = false) => new()
    {
        Data = new DataConfig
        {
            Dataset = "caravan", Root = dataRoot, Source = EnsembleGenerator.Source,
            Characteristics = [.. EnsembleGenerator.CharacteristicNames],
            TrainStart = "2007-10-01", TrainEnd = "2009-09-30", TestStart = "2006-10-01", TestEnd = "2007-09-30",
            WindowDays = 60, Stride = 30, HeldoutFraction = 0.2, ValidationFraction = 0.25,
        },
        Model = new ModelConfig { Hidden = 8, Embedding = 6, DecoderHidden = 8 },
        Training = new TrainingConfig { Seed = 3, Threads = 1, Epochs = epochs, BatchSize = 16, LearningRate = 0.01,
            Patience = 100, RandomWindows = randomWindows },
        Evaluation = new EvaluationConfig { MantelPermutations = 9 },
    };

    internal static (RunDirectory Run, Workflow.Prepared Prepared) Setup(TempDir dir, string data, string name,
        int epochs, bool randomWindows = false)
    {
        var run = RunDirectory.Create(name, dir.Sub(name));
        var cfg = Tiny(data, epochs, randomWindows);
        run.WriteConfig(cfg);
        return (run, Workflow.Prepare(run, cfg, new Silent(), useCache: false));
    }

    static float[] Weights(RunDirectory run, Workflow.Prepared p, string tag)
    {
        using var model = new Kgssl.Model.KgsslModel(p.Config.Model, p.Data.DriverCount, p.Data.CharacteristicCount);
        Checkpoint.LoadWeights(run.Path, tag, model);
        return model.parameters().SelectMany(t => t.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void TheStepCosineFallsFromTheRateToZeroWithinEpochsAndTheEpochCosineOncePerEpoch()
    {
        var t = new TrainingConfig { Epochs = 4, LearningRate = 0.01, Schedule = "cosine_step" };
        Assert.Equal(0.01, Trainer.LearningRate(t, 1, 0), 12);
        Assert.Equal(0.005, Trainer.LearningRate(t, 3, 0), 12);                  // half way
        Assert.Equal(0.005 * (1 + Math.Cos(Math.PI * 2.5 / 4)), Trainer.LearningRate(t, 3, 0.5), 12);
        Assert.Equal(0, Trainer.LearningRate(t, 4, 1), 12);
        var steps = Enumerable.Range(1, 4).SelectMany(e => Enumerable.Range(0, 10)
            .Select(b => Trainer.LearningRate(t, e, b / 10.0))).ToArray();
        Assert.All(steps.Zip(steps.Skip(1)), p => Assert.True(p.Second < p.First));
        var epochwise = t with { Schedule = "cosine" };
        Assert.Equal(Trainer.LearningRate(epochwise, 2, 0), Trainer.LearningRate(epochwise, 2, 0.9));
        Assert.Equal(0.005, Trainer.LearningRate(epochwise, 3), 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // training.random_windows: the anchors' days are drawn per epoch, still from the seed
    public void ResumingAfterAnInterruptionGivesTheSameWeightsAsAnUninterruptedRun(bool randomWindows)
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 8, 3, 9));

        var (full, pf) = Setup(dir, data, "full", 4, randomWindows);
        Workflow.Train(full, pf, false, new Silent());

        var (cut, pc) = Setup(dir, data, "cut", 2, randomWindows);          // "killed" after epoch 2
        Workflow.Train(cut, pc, false, new Silent());
        var resumed = pc with { Config = Tiny(data, 4, randomWindows) };     // same run, resumed towards 4 epochs
        var epochs = Workflow.Train(cut, resumed, true, new Silent());

        Assert.Equal(4, epochs.Count);
        Assert.Equal(Weights(full, pf, "last"), Weights(cut, pc, "last"));
        // as many anchors as the stride windows give (2 years, 60-day windows every 30 days: 23 a basin)
        if (randomWindows)
            Assert.All(epochs, e => Assert.Equal(23 * pf.Split.Train.Count, e.Anchors));
        Assert.Equal(File.ReadLines(full.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])),
            File.ReadLines(cut.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("optimizer")]
    [InlineData("state")]
    [InlineData("cleanup")]
    public void AKillAtAnyStepOfACheckpointWriteResumesToTheUninterruptedRun(string step)
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 8, 3, 9));
        var (full, pf) = Setup(dir, data, "full", 4);
        Workflow.Train(full, pf, false, new Silent());

        var (cut, pc) = Setup(dir, data, "cut", 4);
        Checkpoint.AfterStep = (s, tag, epoch) =>
        {
            if (s == step && tag == "last" && epoch == 3) throw new OperationCanceledException("killed");
        };
        try { Assert.Throws<OperationCanceledException>(() => Workflow.Train(cut, pc, false, new Silent())); }
        finally { Checkpoint.AfterStep = null; }
        var epochs = Workflow.Train(cut, pc, true, new Silent());

        Assert.Equal(4, epochs.Count);
        Assert.Equal(Weights(full, pf, "last"), Weights(cut, pc, "last"));
        Assert.Equal(Weights(full, pf, "best"), Weights(cut, pc, "best"));
        Assert.Equal(File.ReadLines(full.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])),
            File.ReadLines(cut.File("epochs.csv")).Select(l => string.Join(',', l.Split(',')[..10])));
        // one generation of each tag is left: the older files were removed after each switch
        Assert.Equal(2, Directory.GetFiles(Checkpoint.Folder(cut.Path), "last.*.bin").Length);
    }

    [Fact]
    public void ABasinWithoutObservedStreamflowIsNamedInTheLogAndLeftOutOfTheSplit()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 8, 3, 9));
        string file = Directory.GetFiles(Path.Combine(data, "timeseries", "csv"), "*.csv", SearchOption.AllDirectories)
            .Order().First();
        string id = Path.GetFileNameWithoutExtension(file);
        var lines = File.ReadAllLines(file);
        // streamflow empty every day
        File.WriteAllLines(file, lines.Take(1).Concat(lines.Skip(1).Select(l => l[..(l.LastIndexOf(',') + 1)])));
        var (run, p) = Setup(dir, data, "run", 1);
        Assert.DoesNotContain(id, p.Split.Train.Concat(p.Split.Validation).Concat(p.Split.Heldout));
        Assert.Contains($"1 basins have no observed streamflow and take no part in the split: {id}",
            File.ReadAllText(run.File("log.txt")));
        Assert.Equal([id], p.Split.WithoutStreamflow!);
        Assert.Contains($"\"WithoutStreamflow\": [\n    \"{id}\"", File.ReadAllText(run.File("split.json")));
    }

    [Fact]
    public void WithContextDaysTheDecoderRunsThroughTheDaysBeforeEachWindowAndStillLearns()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 8, 3, 9));
        List<EpochRecord> Train(string name, int context)
        {
            var run = RunDirectory.Create(name, dir.Sub(name));
            var cfg = Tiny(data, 3);
            cfg = cfg with { Training = cfg.Training with { ReconstructionContextDays = context } };
            run.WriteConfig(cfg);
            return Workflow.Train(run, Workflow.Prepare(run, cfg, new Silent(), useCache: false), false, new Silent());
        }
        var plain = Train("plain", 0);
        var context = Train("context", 90);
        Assert.All(context, e => Assert.True(double.IsFinite(e.Reconstruction)
            && double.IsFinite(e.ValReconstruction)));
        Assert.True(context[^1].Reconstruction < context[0].Reconstruction,
            $"L1 {context[0].Reconstruction:F3} -> {context[^1].Reconstruction:F3}");
        // same seed, same windows, same first weights: only the days before the windows differ
        Assert.NotEqual(plain[0].Reconstruction, context[0].Reconstruction);
        Assert.Equal(plain[0].Anchors, context[0].Anchors);
    }

    [Fact]
    public void TheHbvDecoderTrainsThroughThePhysicsAndItsParametersAreScored()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 10, 3, 5));
        var run = RunDirectory.Create("hbv", dir.Sub("hbv"));
        var cfg = Tiny(data, 4) with { Model = new ModelConfig { Hidden = 8, Embedding = 6, Decoder = "hbv" } };
        cfg = cfg with { Data = cfg.Data with { Characteristics = [
            .. cfg.Data.Characteristics.Select(n => n == "K2" ? "log10(K2)" : n)] } };
        run.WriteConfig(cfg);
        var p = Workflow.Prepare(run, cfg, new Silent(), useCache: false);
        var epochs = Workflow.Train(run, p, false, new Silent());
        Assert.True(epochs[^1].Reconstruction < epochs[0].Reconstruction,
            $"L1 {epochs[0].Reconstruction:F3} -> {epochs[^1].Reconstruction:F3}");
        var result = Workflow.Evaluate(run, p, "test", new Silent());
        Assert.Equal(3 * 11, result.DecoderRows.Count);   // training, validation and held-out basins
        Assert.Contains(result.DecoderRows, r => r.Characteristic == "log10(K2)");
        Assert.True(File.Exists(run.File("characteristics_decoder.csv")));
        Assert.True(double.IsFinite(result.EmulatorMedianNse));   // the hbv decoder is an emulator too
    }
}

/// <summary>One tiny trained, evaluated and reported run shared by the tests that read it.</summary>
public sealed class TinyRunFixture : IDisposable
{
    public TempDir Dir { get; } = new();
    public RunDirectory Run { get; }
    public List<EpochRecord> Epochs { get; }
    public Workflow.EvaluationResult Result { get; }
    public string Html { get; }
    public CalibrationReference.Outcome Calibration { get; }
    public LearnedRefinement.Outcome Refinement { get; }
    public Workflow.Prepared Prepared { get; }

    public TinyRunFixture()
    {
        string data = Dir.Sub("data");
        EnsembleGenerator.Generate(new EnsembleGenerator.Options(data, 10, 3, 5));
        (Run, var p) = TrainerTests.Setup(Dir, data, "a", 6);
        Prepared = p;
        Epochs = Workflow.Train(Run, p, false, new TrainerTests.Silent());
        Result = Workflow.Evaluate(Run, p, "test", new TrainerTests.Silent());
        Calibration = CalibrationReference.Run(Run, p, "heldout",
            new HbvCalibration.Options(Population: 8, Generations: 3, Seed: 1), new TrainerTests.Silent());
        Refinement = LearnedRefinement.Run(Run, p, "heldout", new LearnedRefinement.Settings(Population: 6,
            Generations: 3, Seed: 1), new TrainerTests.Silent());
        Html = File.ReadAllText(Kgssl.Report.ReportWriter.Write(Run, new TrainerTests.Silent()));
    }

    public void Dispose() => Dir.Dispose();
}

[Collection("torch")]
public class TinyRunTests(TinyRunFixture f) : IClassFixture<TinyRunFixture>
{
    [Fact]
    public void EmbeddingBasinsTogetherGivesWhatEmbeddingEachAloneGives()
    {
        // the embedder batches windows across basins: in eval mode a window's embedding must not depend on its batch
        var p = f.Prepared;
        using var model = Workflow.LoadModel(f.Run, p, torch.CPU);
        var ids = p.Split.Train.Concat(p.Split.Heldout).ToList();
        var (start, end) = Workflow.Period(p.Config, "test");
        var together = Kgssl.Training.Embedder.Embed(model, p.Store, ids, start, end, p.Config.Data.WindowDays,
            p.Config.Data.Stride, torch.CPU, batchSize: 5);
        Assert.Equal(ids, together.Select(e => e.Id));
        foreach (var id in ids)
        {
            var alone = Kgssl.Training.Embedder.Embed(model, p.Store, [id], start, end, p.Config.Data.WindowDays,
                p.Config.Data.Stride, torch.CPU).Single();
            var both = together.Single(e => e.Id == id);
            Assert.Equal(alone.Windows, both.Windows);
            Assert.True(alone.Windows > 1);
            for (int k = 0; k < alone.Mean.Length; k++) Assert.Equal(alone.Mean[k], both.Mean[k], 5);
            for (int k = 0; k < alone.PredictedZ.Length; k++) Assert.Equal(alone.PredictedSpreadZ[k],
                both.PredictedSpreadZ[k], 5);
        }
    }

    [Fact]
    public void EmbedWithAnalogsGivesTheSameEstimatesWhicheverBasinsAreEmbeddedBeside()
    {
        // with analogs on, the training basins are embedded too even when the embedded data set lacks them
        var plain = f.Run.ReadConfig();
        var cfg = plain with { Evaluation = plain.Evaluation with { Analogs = 3 } };
        var reporter = new Kgssl.Cli.ConsoleReporter(true);
        var held = f.Prepared.Split.Heldout;
        string list = f.Dir.Sub("heldout_only.txt");
        File.WriteAllLines(list, held);
        var only = cfg with { Data = cfg.Data with { BasinFile = list } };
        var (embedded, n) = Kgssl.Cli.EmbedCommand.Run(f.Run, only, "test", f.Dir.Sub("an_part"), reporter, ["FC"]);
        Assert.Equal((held.Count, held.Count), (embedded, n));
        Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "test", f.Dir.Sub("an_all"), reporter, ["FC"]);
        Kgssl.Cli.EmbedCommand.Run(f.Run, plain, "test", f.Dir.Sub("an_none"), reporter, ["FC"]);
        var part = Estimates(f.Dir.Sub("an_part") + "_knowledge.csv");
        var all = Estimates(f.Dir.Sub("an_all") + "_knowledge.csv");
        var none = Estimates(f.Dir.Sub("an_none") + "_knowledge.csv");
        Assert.Equal(held.Order(), part.Keys.Order());
        foreach (var id in held)
            for (int k = 0; k < all[id].Length; k++) Assert.Equal(all[id][k], part[id][k],
                1e-6 * (1 + Math.Abs(all[id][k])));
        Assert.Contains(held, id => Math.Abs(none[id][0] - all[id][0]) > 1e-6 * (1 + Math.Abs(all[id][0])));

        static Dictionary<string, double[]> Estimates(string path)
            => File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))
            .ToDictionary(v => v[0], v => v[3..].Select(x => double.Parse(x,
                System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void EmbedWithKnownGivesTheKnownValuesBackAndEstimatesTheOthers()
    {
        var cfg = f.Run.ReadConfig();
        string stem = f.Dir.Sub("embedded");
        var reporter = new Kgssl.Cli.ConsoleReporter(true);
        var (embedded, n) = Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "test", stem, reporter, ["FC"]);
        Assert.Equal(n, embedded);
        var lines = File.ReadAllLines(stem + "_knowledge.csv");
        var header = lines[0].Split(',');
        Assert.Equal(["basin", "basin_set", "known", "pred_TT"], header[..4]);
        Assert.Equal(n + 1, lines.Length);
        int fc = Array.IndexOf(header, "pred_FC"), tt = Array.IndexOf(header, "pred_TT");
        var names = f.Prepared.Data.CharacteristicNames.ToList();
        foreach (var line in lines.Skip(1))
        {
            var v = line.Split(',');
            var truth = f.Prepared.Data.Basin(v[0]).Characteristics;
            Assert.Equal("FC", v[2]);
            Assert.Equal(truth[names.IndexOf("FC")], double.Parse(v[fc],
                System.Globalization.CultureInfo.InvariantCulture), 6);
            Assert.True(double.IsFinite(double.Parse(v[tt], System.Globalization.CultureInfo.InvariantCulture)));
        }
        var e = Assert.Throws<Kgssl.Config.ConfigException>(() => Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "test",
            stem + "_bad", reporter, ["FC", "XX"]));
        Assert.Contains("--known: 'XX' is not a characteristic of this run", e.Message);
        Assert.False(File.Exists(stem + "_bad.csv"));   // refused before any work
        var reversed = Assert.Throws<Kgssl.Config.ConfigException>(
            () => Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "2008-01-01..2007-01-01", stem + "_r", reporter));
        Assert.Equal("--period: the end 2007-01-01 is before the start 2008-01-01", reversed.Message);
        reversed = Assert.Throws<Kgssl.Config.ConfigException>(
            () => Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "2008-01-01:2007-01-01", stem + "_r", reporter));
        Assert.Equal("--period: the end 2007-01-01 is before the start 2008-01-01", reversed.Message);
        var malformed = Assert.Throws<Kgssl.Config.ConfigException>(
            () => Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "2007-01-01/2008-01-01", stem + "_r", reporter));
        Assert.Equal("--period: expected train, test or START:END as ISO dates (1990-01-01:1995-12-31), got " +
            "'2007-01-01/2008-01-01'", malformed.Message);
        // a period without data: every basin gets a row saying why, and the count says none was embedded
        var (none, all) = Kgssl.Cli.EmbedCommand.Run(f.Run, cfg, "1950-01-01..1950-12-31", f.Dir.Sub("new/folder/e"),
            reporter);
        Assert.Equal((0, n), (none, all));
        Assert.All(File.ReadAllLines(f.Dir.Sub("new/folder/e") + ".csv").Skip(1),
            l => Assert.Contains("no embedding", l));
    }

    [Fact]
    public void TheReportShowsTheNseDistributionAndTheBestMedianAndWorstHydrographs()
    {
        Assert.Contains("alt=\"nse cdf\"", f.Html);
        Assert.Contains("<td>FC</td><td>mm</td>", f.Html);   // the recovery table gives each rmse's unit
        Assert.DoesNotContain("alt=\"map\"", f.Html);       // the weather generator's basins have no real place
        Assert.Contains("alt=\"PCA\"", f.Html);
        var rows = File.ReadAllLines(f.Run.File("hydrographs.csv"));
        Assert.Equal("basin,basin_set,rank,nse,date,observed,simulated", rows[0]);
        // best, median and worst, each basin once (with two held-out basins the median is the worst)
        var ranks = rows.Skip(1).Select(l => l.Split(',')[2]).Distinct().ToList();
        Assert.Equal(rows.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count(), ranks.Count);
        Assert.Contains("best", ranks);
        foreach (var rank in ranks) Assert.Contains($"alt=\"hydrograph {rank}\"", f.Html);
        // the best basin's NSE is the highest of emulator.csv
        var best = rows.Skip(1).First().Split(',');
        double top = File.ReadAllLines(f.Run.File("emulator.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture))
                .Where(double.IsFinite).Max();
        Assert.Equal("best", best[2]);
        Assert.Equal(top, double.Parse(best[3], System.Globalization.CultureInfo.InvariantCulture), 5);
    }

    [Fact]
    public void EveryFileTheRunWritesIsInTheOutputsReference()
    {
        string page = File.ReadAllText(Path.Combine(Kgssl.Tests.Config.ConfigLoaderTests.RepoRoot(), "docs",
            "outputs.md"));
        // `name` entries of the page; <...> stands for any part of a name
        var documented = System.Text.RegularExpressions.Regex.Matches(page, "`([A-Za-z0-9_.<>/-]+)`")
            .Select(m => new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Replace(
                System.Text.RegularExpressions.Regex.Escape(m.Groups[1].Value), "<[^>]*>", ".+") + "$")).ToList();
        var files = Directory.GetFiles(f.Run.Path).Select(Path.GetFileName).Concat(
            Directory.GetDirectories(f.Run.Path).Select(d => Path.GetFileName(d) + "/")).ToList();
        Assert.Contains("characteristics.csv", files);
        Assert.All(files, name => Assert.True(documented.Any(r => r.IsMatch(name!)),
            $"{name} is not in docs/outputs.md"));
    }

    [Fact]
    public void LossFallsAndEvaluationWritesItsFiles()
    {
        var epochs = f.Epochs;
        Assert.Equal(6, epochs.Count);
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, $"loss {epochs[0].Loss:F3} -> {epochs[^1].Loss:F3}");
        Assert.True(epochs.All(e => double.IsFinite(e.ValLoss)));
        Assert.Equal(7, File.ReadAllLines(f.Run.File("epochs.csv")).Length);
        Assert.Equal(3 * 17, f.Result.Rows.Count);   // training, validation and held-out basins
        Assert.Equal("characteristic,basin_set,period,n,pearson_r,spearman_rho,rmse,rmse_z",
            File.ReadLines(f.Run.File("characteristics.csv")).First());
        Assert.True(File.Exists(f.Run.File("distances_summary.json")));
        Assert.True(File.Exists(f.Run.File("emulator.csv")));
        Assert.Equal(["heldout", "train", "validation"], f.Result.Rows.Select(r => r.BasinSet).Distinct().Order());
        // the physics emulator beside the decoder: F run with the head's parameters, one score per emulated basin
        var emulator = File.ReadAllLines(f.Run.File("emulator.csv"));
        Assert.Equal("basin,basin_set,nse,kge,days,nse_physics,kge_physics", emulator[0]);
        Assert.True(emulator.Length - 1 >= f.Result.EmulatorBasins && f.Result.EmulatorBasins > 0);
        Assert.All(emulator.Skip(1), l => Assert.True(double.IsFinite(
            double.Parse(l.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture)), l));
        Assert.True(double.IsFinite(f.Result.PhysicsEmulatorMedianNse));
        Assert.Contains("id=\"physics-emulator\"", f.Html);
    }

    [Fact]
    public void EvaluationScoresASampleOfTheTrainingBasinsWhenToldToAndEveryHeldOutBasin()
    {
        // a copy of the run, so that the fixture's files stay as the other tests read them
        string copy = f.Dir.Sub("sampled");
        foreach (var file in Directory.GetFiles(f.Run.Path, "*", SearchOption.AllDirectories)
            .Where(x => !x.Contains("/data/")))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(f.Run.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var run = RunDirectory.Create("sampled", copy);
        var p = f.Prepared with { Config = f.Prepared.Config with { Evaluation = f.Prepared.Config.Evaluation
            with { MaxTrainBasins = 3 } } };
        var result = Workflow.Evaluate(run, p, "test", new TrainerTests.Silent());
        Assert.All(result.Rows.Where(r => r.BasinSet == "train"), r => Assert.Equal(3, r.N));
        Assert.Equal(f.Result.Rows.Where(r => r.BasinSet == "heldout").Select(r => (r.Characteristic, r.N, r.PearsonR)),
            result.Rows.Where(r => r.BasinSet == "heldout").Select(r => (r.Characteristic, r.N, r.PearsonR)));
        var scored = File.ReadLines(run.File("predictions.csv")).Skip(1).Where(l => l.Split(',')[1] == "train")
            .Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(p.Split.Train.Order(StringComparer.Ordinal).Take(3), scored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheCalibrationReferenceScoresEveryParameterOfTheHeldOutBasinsAndTheReportListsThem()
    {
        var held = f.Result.Rows.Where(r => r.BasinSet == "heldout").ToList();
        Assert.Equal(11, f.Calibration.Rows.Count);
        Assert.All(f.Calibration.Rows, r => Assert.Equal(held[0].N, r.N));
        Assert.Equal(held[0].N, f.Calibration.Basins.Count);
        // a tiny budget here (the fit's quality is tested in HbvCalibrationTests): finite scores, parameters in range
        Assert.All(f.Calibration.Basins, b => Assert.True(double.IsFinite(b.Objective) && b.Objective <= 1
            && double.IsFinite(b.ValidationNse), b.Id));
        Assert.All(f.Calibration.Basins, b => Assert.All(b.Calibrated.ToArray().Zip(HbvParameters.Ranges),
            x => Assert.InRange(x.First, x.Second.Min - 1e-9, x.Second.Max + 1e-9)));
        Assert.Equal(1 + held[0].N, File.ReadAllLines(f.Run.File("calibration.csv")).Length);
        Assert.StartsWith("basin,basin_set,objective_test,nse_train,nse_log_train,cal_TT",
            File.ReadLines(f.Run.File("calibration.csv")).First());
        Assert.Contains("id=\"identifiability\"", f.Html);
        // the reference saw the evaluated period alone (the default context), and the file and the report say so
        var identifiability = File.ReadAllLines(f.Run.File("identifiability.csv"));
        Assert.Equal("parameter,basin_set,n,calibration_r,identifiable,learned_r,context", identifiability[0]);
        Assert.All(identifiability.Skip(1), l => Assert.EndsWith(",period", l));
        Assert.Contains("and nothing else (its first year once as spin-up)", f.Html);
        Assert.Throws<ArgumentException>(() => CalibrationReference.Run(f.Run, f.Prepared, "heldout",
            new HbvCalibration.Options(Population: 4, Generations: 1), new TrainerTests.Silent(), context: "whole"));
        foreach (var r in f.Calibration.Rows)
            Assert.Contains($"<td>{r.Characteristic}</td><td>" +
                $"{r.PearsonR.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}</td>", f.Html);
    }

    [Fact]
    public void TheRefinementStartsFromThePredictionsAndScoresEveryHeldOutBasinAndTheReportShowsIt()
    {
        var held = f.Result.Rows.Where(r => r.BasinSet == "heldout").ToList();
        var o = f.Refinement;
        Assert.Equal(11, o.Rows.Count);
        Assert.Equal(held[0].N, o.Basins.Count);
        // the learned column is the head's own score on those basins: the same r as characteristics.csv
        foreach (var r in o.Learned)
            Assert.Equal(held.Single(h => h.Characteristic == r.Characteristic).PearsonR, r.PearsonR, 9);
        var predictions = LearnedRefinement.ReadPredictions(f.Run.File("predictions.csv"),
            o.Rows.Select(r => r.Characteristic).ToList());
        Assert.All(o.Basins, b => Assert.Equal(predictions.Single(p => p.Id == b.Id).Predicted, b.Learned));
        // refined parameters lie in the ranges (on the run's scales) and the objective is a fit's
        var columns = HbvColumns.Parameters(f.Prepared.Data.CharacteristicNames);
        Assert.All(o.Basins, b => Assert.All(columns.Select((c, k) => (c, k)), x =>
        {
            var r = HbvParameters.Ranges[x.c.Parameter];
            Assert.InRange(b.Refined[x.k], x.c.ToScale(r.Min) - 1e-9, x.c.ToScale(r.Max) + 1e-9);
        }));
        Assert.All(o.Basins, b => Assert.True(b.Objective <= 1 && double.IsFinite(b.Objective), b.Id));
        Assert.All(o.Sigma, s => Assert.True(s > 0));
        Assert.Equal(o.Rows.Select(r => r.PearsonR), Kgssl.Evaluation.CharacteristicRecovery.ReadCsv(
            f.Run.File("characteristics_refined.csv")).Select(r => r.PearsonR), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.StartsWith("basin,basin_set,objective_test,learned_TT",
            File.ReadLines(f.Run.File("refined.csv")).First());
        Assert.Equal(1 + o.Basins.Count, File.ReadAllLines(f.Run.File("refined.csv")).Length);
        Assert.Contains("id=\"refinement\"", f.Html);
        Assert.Throws<ArgumentException>(() => LearnedRefinement.Run(f.Run, f.Prepared, "validation",
            new LearnedRefinement.Settings(), new TrainerTests.Silent()));
        // the reference from scratch with the storages searched the same way says so in its file
        var options = new HbvCalibration.Options(Population: 8, Generations: 3, Seed: 1);
        var states = CalibrationReference.Run(f.Run, f.Prepared, "heldout", options, new TrainerTests.Silent(),
            context: "states");
        Assert.All(states.Basins, b => Assert.True(double.IsFinite(b.Objective) && b.Objective <= 1, b.Id));
        Assert.All(File.ReadAllLines(f.Run.File("identifiability.csv")).Skip(1), l => Assert.EndsWith(",states", l));
        // the fixture's files as they were, for the other tests of the class (same seed, same files)
        CalibrationReference.Run(f.Run, f.Prepared, "heldout", options, new TrainerTests.Silent());
        Assert.Throws<ArgumentException>(() => LearnedRefinement.Run(f.Run, f.Prepared, "heldout",
            new LearnedRefinement.Settings(Population: 2), new TrainerTests.Silent()));
    }

    [Fact]
    public void TheReportHoldsRealPlotsAndTheNumbersOfTheCsv()
    {
        var images = System.Text.RegularExpressions.Regex.Matches(f.Html, "data:image/png;base64,([^\"]+)");
        Assert.True(images.Count >= 17 + 5, $"{images.Count} images");
        foreach (System.Text.RegularExpressions.Match m in images)
        {
            using var bitmap = SkiaSharp.SKBitmap.Decode(Convert.FromBase64String(m.Groups[1].Value));
            Assert.NotNull(bitmap);
            Assert.True(DistinctColours(bitmap) > 3, "a blank plot");
        }
        var rows = Kgssl.Evaluation.CharacteristicRecovery.ReadCsv(f.Run.File("characteristics.csv"));
        foreach (var row in rows)
            Assert.Contains(row.PearsonR.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), f.Html);
        Assert.Contains("<td>TT</td>", f.Html);
    }

    [Fact]
    public void TheForwardExperimentRunsEverySettingAndWritesItsTables()
    {
        var cfg = TrainerTests.Tiny(f.Dir.Sub("data"), 1) with
        {
            Data = TrainerTests.Tiny(f.Dir.Sub("data"), 1).Data with { HeldoutFraction = 0, ValidationFraction = 0 },
            Forward = new ForwardConfig
            {
                Epochs = 2, Hidden = 6, SequenceDays = 60, WarmupDays = 10, WindowsPerBasin = 2, BatchSize = 8,
                CorruptionStds = [1.0], CorruptionFractions = [0.5], EmbeddingMonths = [3, 0],
            },
        };
        var run = RunDirectory.Create("fwd", f.Dir.Sub("fwd"));
        run.WriteConfig(cfg);
        var p = Workflow.Prepare(run, cfg, new TrainerTests.Silent(), useCache: false);
        var basins = p.Split.Train;
        Assert.Equal(10, basins.Count);
        var settings = ForwardExperiment.Settings(cfg, p, basins, "all",
            ForwardExperiment.Embeddings(() => f.Run.Path, cfg, p.Data, basins));
        Assert.Equal(["true", "none", "neighbours", "random", "corrupted_s1_f0.5", "embedding_3m", "embedding"],
            settings.Select(s => s.Name));
        Assert.Equal(17, settings[0].Statics[0].Length);
        Assert.Equal(17, settings[2].Statics[0].Length);   // the neighbours' estimate: never the basin's own values
        Assert.NotEqual(settings[0].Statics[0], settings[2].Statics[0]);
        Assert.Equal(6, settings[^1].Statics[0].Length);   // the KGSSL run's embedding size
        var results = settings.Select(s => ForwardExperiment.Run(cfg, p.Store, basins, s, p.Normalizer,
            TorchSharp.torch.CPU)).ToList();
        ForwardExperiment.Write(run.Path, results);
        var summary = File.ReadAllLines(run.File("forward_summary.csv"));
        Assert.Equal("setting,n,mean_nse,median_nse,median_kge,n_nse_le_0,wall_s", summary[0]);
        Assert.Equal(8, summary.Length);
        Assert.All(results, r => Assert.Equal(10, r.Scores.Count));
        Assert.Equal(71, File.ReadAllLines(run.File("forward_basins.csv")).Length);
        string html = File.ReadAllText(Kgssl.Report.ReportWriter.Write(run, new TrainerTests.Silent()));
        Assert.Contains("Forward-model experiment", html);
    }

    [Fact]
    public void AnEnsemblesFirstMemberIsTheSingleModelOfTheSeedAndTheCurveHasAPointPerMember()
    {
        var tiny = TrainerTests.Tiny(f.Dir.Sub("data"), 1);
        var forward = new ForwardConfig
        {
            Model = "lstm", Epochs = 2, Hidden = 6, SequenceDays = 60, WarmupDays = 10, WindowsPerBasin = 2,
            BatchSize = 8, CurveEvery = 1,
        };
        var cfg = tiny with { Data = tiny.Data with { HeldoutFraction = 0, ValidationFraction = 0 },
            Forward = forward };
        var run = RunDirectory.Create("fwd_members", f.Dir.Sub("fwd_members"));
        run.WriteConfig(cfg);
        var p = Workflow.Prepare(run, cfg, new TrainerTests.Silent(), useCache: false);
        var basins = p.Split.Train;
        var setting = ForwardExperiment.Settings(cfg, p, basins, Choices.Statics.True, null)[0];
        ForwardExperiment.SettingResult Once(KgsslConfig config, List<ForwardExperiment.CurvePoint> curve) =>
            ForwardExperiment.Run(config, p.Store, basins, setting, p.Normalizer, TorchSharp.torch.CPU, curve: curve);
        var singleCurve = new List<ForwardExperiment.CurvePoint>();
        var single = Once(cfg, singleCurve);
        var pairCurve = new List<ForwardExperiment.CurvePoint>();
        var pair = Once(cfg with { Forward = forward with { Members = 2 } }, pairCurve);
        var second = Once(cfg with { Training = cfg.Training with {
            Seed = ForwardExperiment.MemberSeed(cfg.Training.Seed, 1) } }, []);
        Assert.Equal([1, 2], singleCurve.Select(c => c.Epoch));
        Assert.Equal([2, 4], pairCurve.Select(c => c.Epoch));   // after each member: the ensemble so far
        Assert.Equal(singleCurve[^1].MedianNse, pairCurve[0].MedianNse);
        Assert.True(pairCurve[1].TrainMinutes > pairCurve[0].TrainMinutes);
        Assert.Equal(pairCurve[1].MedianNse, Kgssl.Evaluation.Metrics.Median(pair.Scores.Select(x => x.Nse)));
        Assert.Equal(cfg.Training.Seed, ForwardExperiment.MemberSeed(cfg.Training.Seed, 0));
        // the mean of two different models is neither of them
        Assert.NotEqual(single.Scores.Select(x => x.Nse), second.Scores.Select(x => x.Nse));
        Assert.NotEqual(single.Scores.Select(x => x.Nse), pair.Scores.Select(x => x.Nse));
        Assert.NotEqual(second.Scores.Select(x => x.Nse), pair.Scores.Select(x => x.Nse));
    }

    [Fact]
    public void AnUngaugedFoldIsScaledByItsTrainingBasinsAlone()
    {
        var cfg = TrainerTests.Tiny(f.Dir.Sub("data"), 1) with
        {
            Data = TrainerTests.Tiny(f.Dir.Sub("data"), 1).Data with { HeldoutFraction = 0, ValidationFraction = 0 },
        };
        var run = RunDirectory.Create("fwd_fold", f.Dir.Sub("fwd_fold"));
        run.WriteConfig(cfg);
        var p = Workflow.Prepare(run, cfg, new TrainerTests.Silent(), useCache: false);
        var fold = ForwardExperiment.Folds(cfg, p.Split.Train, 3)[1];
        var fp = ForwardExperiment.ForFold(p, fold);
        var (start, end) = cfg.Data.Train();
        var own = Kgssl.Data.Normalizer.Fit(p.Data, fold.Train, start, end, cfg.Data.LogResponse);
        Assert.Equal(own.CharacteristicMean, fp.Normalizer.CharacteristicMean);
        Assert.Equal(own.ResponseStd, fp.Normalizer.ResponseStd);
        Assert.NotEqual(p.Normalizer.CharacteristicMean, fp.Normalizer.CharacteristicMean);
        // the store the fold trains on carries that scale: a held-out basin as the training basins see it
        string id = fold.Heldout[0];
        var b = p.Data.Basin(id);
        Assert.Equal((float)fp.Normalizer.NormalizeCharacteristic(0, b.Characteristics[0]),
            fp.Store.Characteristics[fp.Store.IndexOf(id)][0]);
        Assert.NotEqual(p.Store.Characteristics[p.Store.IndexOf(id)][0],
            fp.Store.Characteristics[fp.Store.IndexOf(id)][0]);
    }

    [ChromiumFact]
    public void TheReportRendersInHeadlessChromiumWithEverySection()
    {
        string png = f.Dir.Sub("report.png");
        Chromium($"--screenshot={png}", "--window-size=1200,2400");
        Assert.True(File.Exists(png), "chromium wrote no screenshot");
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.True(DistinctColours(bitmap) > 20, "the rendered report is blank");
        // the document as the browser built it: every section and figure a reader looks for is there
        string dom = Chromium("--dump-dom");
        foreach (var heading in new[] { "Run", "Characteristic recovery", "Distances between basins", "Embeddings",
                     "Training", "Decoder as an emulator of F", "Configuration" })
            Assert.Contains($"<h2>{heading}</h2>", dom);
        foreach (var figure in new[] { "PCA", "training curves", "nse cdf", "hydrograph best" })
            Assert.Contains($"alt=\"{figure}\"", dom);
        Assert.Contains("Nash-Sutcliffe", dom);   // the metrics' glossary
    }

    /// <summary>Headless Chromium on the run's report with <paramref name="args"/>; its standard output.</summary>
    string Chromium(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(ChromiumFactAttribute.Path!)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={f.Dir.Sub("chrome")}" }.Concat(args).Append("file://" +
                     f.Run.File("report.html")))
            psi.ArgumentList.Add(a);
        using var proc = System.Diagnostics.Process.Start(psi)!;
        var output = proc.StandardOutput.ReadToEndAsync();
        proc.StandardError.ReadToEndAsync();
        Assert.True(proc.WaitForExit(120_000), "chromium did not finish in 2 minutes");
        return output.Result;
    }

    static int DistinctColours(SkiaSharp.SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 5) for (int x = 0; x < bitmap.Width; x += 5) colours.Add(
            (uint)bitmap.GetPixel(x, y));
        return colours.Count;
    }
}

/// <summary>A fact that needs headless Chromium (Debian package chromium); skips with the reason where it is
/// absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public static string? Path { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public ChromiumFactAttribute()
    {
        if (Path is null) Skip = "headless Chromium is not installed (apt-get install chromium; .ci/run installs it)";
    }
}
