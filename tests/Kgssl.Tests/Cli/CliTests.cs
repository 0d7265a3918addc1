using Kgssl.Cli;

namespace Kgssl.Tests.Cli;

[Collection("torch")]
public class CliTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var oldOut = Console.Out; var oldErr = Console.Error;
        var o = new StringWriter(); var e = new StringWriter();
        Console.SetOut(o); Console.SetError(e);
        try { return (CliApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var c in new[] { "demo", "synth", "data", "train", "crossval", "evaluate", "embed", "report",
            "baseline", "calibrate", "refine", "invert", "bench" })
            Assert.Contains(c, output);
    }

    [Fact]
    public void InvertNamesABadPeriodOrAMissingRootInOneLineAndLeavesNoRunFolder()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("invert", "--root", dir.Path, "--test-period", "1990-02-30:1999-01-01",
            "--run-dir", dir.Sub("run"));
        Assert.NotEqual(0, code);
        Assert.Equal("error: --test-period: expected START:END as ISO dates (1999-10-01:2008-09-30), got " +
            "'1990-02-30:1999-01-01'", err.Trim());
        (code, _, err) = Run("invert", "--root", dir.Sub("nowhere"), "--run-dir", dir.Sub("run"));
        Assert.NotEqual(0, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("nowhere", err);
        Assert.Contains("data root folder not found", err);
        (code, _, err) = Run("invert", "--root", dir.Path, "--inverse", dir.Sub("nowhere"),
            "--run-dir", dir.Sub("run"));
        Assert.NotEqual(0, code);
        Assert.Contains("nowhere: not a run folder (no config.yml)", err);
        Assert.False(Directory.Exists(dir.Sub("run")));
    }

    [Fact]
    public void KernelsAreOneOfTwo()
    {
        var (code, _, err) = Run("synth", "--kernels", "fast", "--out", "unused");
        Assert.NotEqual(0, code);
        Assert.Contains("fast", err);
        var (help, output, _) = Run("demo", "--help");
        Assert.Equal(0, help);
        Assert.Contains("--kernels", output);
    }

    [Fact]
    public void InvertPrintsRefinedAgainstCalibratedBesideTwoCalibrationsAgainstEachOther()
    {
        using var dir = new TempDir();
        string root = dir.Sub("observed");
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(root, 4, 8, 11,
            Start: new DateOnly(2001, 10, 1)));
        var (code, output, err) = Run("invert", "--root", root, "--source", "synthetic", "--members", "30",
            "--ensemble-years", "2", "--population", "8", "--generations", "5", "--reference-generations", "10",
            "--calibration-period", "2005-10-01:2009-09-30", "--test-period", "2001-10-01:2005-09-30",
            "--run-dir", dir.Sub("run"));
        Assert.True(code == 0, err);
        Assert.Matches(@"refined - calibrated: median NSE [+-]?\d\.\d{4} \(95 % [+-]?\d\.\d{4} to [+-]?\d\.\d{4}\)",
            output.Replace("\n", " ").Replace("  ", " "));
        Assert.Contains("calibrated again (another seed) - calibrated", output.Replace("\n", " "));
        Assert.DoesNotContain("-+", output);
    }

    /// <summary>A tiny ensemble in <paramref name="dir"/>/data and a config file training on it.</summary>
    static string TinyConfig(TempDir dir, int epochs)
    {
        string data = dir.Sub("data");
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(data, 8, 3, 9));
        return dir.File("tiny.yml", Kgssl.Config.ConfigLoader.ToYaml(
            Kgssl.Tests.Training.TrainerTests.Tiny(data, epochs)));
    }

    [Fact]
    public void TheReportsRunTableShowsHowTheRunEnded()
    {
        using var dir = new TempDir();
        string cfg = TinyConfig(dir, 1);
        string runDir = dir.Sub("run");
        var (code, _, err) = Run("train", "--config", cfg, "--run-dir", runDir, "--evaluate", "--no-cache", "--quiet");
        Assert.True(code == 0, err);
        string html = File.ReadAllText(Path.Combine(runDir, "report.html"));
        Assert.Contains("<tr><td>status</td><td>finished</td></tr>", html);
        Assert.Contains("<tr><td>wall_seconds</td>", html);
    }

    [Fact]
    public void ABadConfigKeyIsAOneLineErrorWithANonZeroExitCode()
    {
        using var dir = new TempDir();
        string cfg = dir.File("bad.yml", "training:\n  epohcs: 3\n");
        var (code, _, err) = Run("train", "--config", cfg, "--run-dir", dir.Sub("run"));
        Assert.NotEqual(0, code);
        var lines = err.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains("bad.yml line 2: unknown key 'training.epohcs'", lines[0]);
    }

    [Fact]
    public void TheReadmesForwardLineRunsOnADemoRunWithItsExtraInputChannels()
    {
        // a demo run in miniature: the demo's config (drivers, log q, q and the change of log q as inputs) on 12 basins
        using var dir = new TempDir();
        string data = dir.Sub("demo/data");
        var o = new Kgssl.Runs.DemoPipeline.Options(Basins: 12, Years: 4, Seed: 3);
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(data, o.Basins,
            o.Years, o.Seed));
        var cfg = Kgssl.Runs.DemoPipeline.DefaultConfig(data, o);
        cfg = cfg with { Training = cfg.Training with { Epochs = 1, MaxAnchorsPerEpoch = 64, Threads = 1 },
            Model = cfg.Model with { Hidden = 8, Embedding = 4 } };
        var run = Kgssl.Runs.RunDirectory.Create("demo", dir.Sub("demo"));
        run.WriteConfig(cfg);
        var silent = new Kgssl.Tests.Training.TrainerTests.Silent();
        Kgssl.Runs.Workflow.Train(run, Kgssl.Runs.Workflow.Prepare(run, cfg, silent, useCache: false), false, silent);

        string config = Path.Combine(Kgssl.Tests.Config.ConfigLoaderTests.RepoRoot(), "configs",
            "forward_synthetic.yml");
        var (code, output, err) = Run("forward", "--config", config, "--set", $"data.root={data}", "--embedding-run",
            run.Path,
            "--statics", "embedding", "--set", "forward.epochs=1", "--set", "forward.hidden=4", "--set",
                "forward.windows_per_basin=1",
            "--set", "forward.embedding_months=[0]", "--run-dir", dir.Sub("forward"), "--quiet");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(dir.Sub("forward"), "forward_summary.csv")), output);
    }

    [Fact]
    public void UngaugedForwardScoresEachBasinOnceFromItsFoldResumesAndRefusesALeakingEmbeddingRun()
    {
        using var dir = new TempDir();
        string data = dir.Sub("data");
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(data, 9, 4, 5));
        string config = Path.Combine(Kgssl.Tests.Config.ConfigLoaderTests.RepoRoot(), "configs",
            "forward_synthetic.yml");
        string[] common = ["forward", "--config", config, "--set", $"data.root={data}", "--set", "forward.epochs=1",
            "--set", "forward.hidden=4", "--set", "forward.windows_per_basin=1", "--ungauged", "--folds", "3",
            "--quiet"];
        string runDir = dir.Sub("ungauged");
        var (code, _, err) = Run([.. common, "--statics", "true", "--run-dir", runDir]);
        Assert.True(code == 0, err);
        var t = Kgssl.Data.CsvTable.Read(Path.Combine(runDir, "forward_ungauged_folds.csv"));
        var heldBy = t.Rows.ToDictionary(r => t.Text(r, "basin"), r => (int)t.Number(r, "fold"));
        Assert.Equal(9, heldBy.Count);   // every basin scored once, from the fold that held it out
        var cfg = Kgssl.Config.ConfigLoader.LoadFile(Path.Combine(runDir, "config.yml"));
        foreach (var fold in Kgssl.Experiments.ForwardExperiment.Folds(cfg, [.. heldBy.Keys.Order()], 3))
        {
            Assert.Empty(fold.Train.Intersect(fold.Heldout));
            Assert.All(fold.Heldout, b => Assert.Equal(fold.Index, heldBy[b]));
        }
        string folds = File.ReadAllText(Path.Combine(runDir, "forward_ungauged_folds.csv"));

        (code, _, err) = Run([.. common, "--statics", "true", "--run-dir", runDir]);
        Assert.True(code == 0, err);
        Assert.Equal(folds, File.ReadAllText(Path.Combine(runDir, "forward_ungauged_folds.csv")));
        Assert.Contains("fold 2, true: already scored", File.ReadAllText(Path.Combine(runDir, "log.txt")));

        (code, _, err) = Run([.. common, "--statics", "true", "--run-dir", runDir, "--set", "forward.hidden=5"]);
        Assert.NotEqual(0, code);
        Assert.Contains("holds a run with another config", err);

        // an embedding run that trained on every basin would leak the held-out ones into their statics
        var split = new Kgssl.Data.BasinSplit([.. heldBy.Keys], [], []);
        Directory.CreateDirectory(dir.Sub("cv/fold_0"));
        File.WriteAllText(dir.Sub("cv/fold_0/config.yml"), "");
        File.WriteAllText(dir.Sub("cv/fold_0/split.json"), System.Text.Json.JsonSerializer.Serialize(split));
        (code, _, err) = Run([.. common, "--statics", "embedding", "--embedding-run", dir.Sub("cv"),
            "--run-dir", dir.Sub("leak")]);
        Assert.NotEqual(0, code);
        Assert.Contains("the KGSSL run trained on 3 of this fold's held-out basins", err);
    }

    [Fact]
    public void ResumeSaysAlreadyFinishedExtendsOnlyWithEpochsAndRefusesChangedData()
    {
        using var dir = new TempDir();
        string cfg = TinyConfig(dir, 2);
        string runDir = dir.Sub("run");
        Assert.Equal(0, Run("train", "--config", cfg, "--run-dir", runDir, "--no-cache", "--quiet").Code);

        var (code, _, err) = Run("train", "--resume", runDir, "--no-cache", "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("already finished: 2 of 2 epochs; nothing to train",
            File.ReadAllText(Path.Combine(runDir, "log.txt")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(runDir, "epochs.csv")).Length);

        (code, _, err) = Run("train", "--resume", runDir, "--set", "training.epochs=3", "--no-cache", "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(runDir, "epochs.csv")).Length);
        Assert.Contains("epochs: 3", File.ReadAllText(Path.Combine(runDir, "config.yml")));
        Assert.Contains("\"resumed_with\": \"training.epochs=3\"", File.ReadAllText(Path.Combine(runDir, "run.json")));

        (code, _, err) = Run("train", "--resume", runDir, "--set", "data.stride=10", "--quiet");
        Assert.NotEqual(0, code);
        Assert.Contains("--set data.stride: a resumed run keeps its config; only training.epochs", err);

        // one day of one basin's streamflow changed: the run's data fingerprint no longer matches
        string file = Directory.GetFiles(Path.Combine(dir.Sub("data"), "timeseries", "csv"), "*.csv",
            SearchOption.AllDirectories).Order().First();
        var lines = File.ReadAllLines(file);
        var fields = lines[10].Split(',');
        fields[^1] = "123.456";
        lines[10] = string.Join(',', fields);
        File.WriteAllLines(file, lines);
        (code, _, err) = Run("train", "--resume", runDir, "--set", "training.epochs=4", "--no-cache", "--quiet");
        Assert.NotEqual(0, code);
        Assert.Contains("the data changed since this run began", err);
        Assert.Contains("resuming would mix two data sets", err);
    }

    [Fact]
    public void DataInspectReadsASyntheticEnsembleAndShowsStreamflowStatistics()
    {
        using var dir = new TempDir();
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(dir.Sub("synth"), 5,
            2, 1));
        var (code, output, err) = Run("data", "inspect", "--dataset", "caravan", "--root", dir.Sub("synth"),
            "--source", "synthetic", "--no-cache");
        Assert.True(code == 0, err);
        Assert.Contains("5 basins with data", output);
        Assert.Contains("gauge coordinates: 5/5 basins", output);
        // the ensemble's own parameters, not the 27 of CAMELS (the tables go through Spectre's console, not captured
        // here)
        var names = DataInspector.CaravanCharacteristics(dir.Sub("synth"), "synthetic");
        Assert.Contains("MAXBAS", names);
        Assert.DoesNotContain("gauge_lat", names);
    }

    [Fact]
    public void AFailedStartLeavesARunFolderMarkedFailedWithTheError()
    {
        using var dir = new TempDir();
        string cfg = dir.File("c.yml", "data:\n  root: nowhere\n");
        var (code, _, err) = Run("train", "--config", cfg, "--run-dir", dir.Sub("run"));
        Assert.NotEqual(0, code);
        string info = File.ReadAllText(Path.Combine(dir.Sub("run"), "run.json"));
        Assert.Contains("\"status\": \"failed\"", info);
        Assert.Contains("\"error\":", info);
        Assert.Contains("failed: ", File.ReadAllText(Path.Combine(dir.Sub("run"), "log.txt")));
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void CrossvalWithoutFoldsAndAnUnknownKnownNameAreOneLineErrors()
    {
        using var dir = new TempDir();
        string cfg = dir.File("c.yml", "data:\n  folds: 0\n");
        var (code, _, err) = Run("crossval", "--config", cfg, "--run-dir", dir.Sub("cv"));
        Assert.NotEqual(0, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("crossval needs data.folds >= 2", err);
        var (code2, _, err2) = Run("crossval", "--config", cfg, "--folds", "3", "--known", "elev_mean", "--run-dir",
            dir.Sub("cv2"));
        Assert.NotEqual(0, code2);
        Assert.Contains("evaluation.known scores the knowledge-guided imputation: it needs evaluation.knowledge: true",
            err2);
    }

    [Theory]
    [InlineData("--noise", "-1", "--noise must be in 0..2")]
    [InlineData("--years", "1", "--years must be at least 2")]
    [InlineData("--basins", "5", "--basins must be at least 10")]
    public void ABadDemoOptionIsAOneLineErrorAndLeavesNoRunFolder(string option, string value, string message)
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("demo", option, value, "--run-dir", dir.Sub("run"), "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir.Sub("run")));
    }

    [Fact]
    public void BenchTrainTimesAConfigsModelWithOneDnnOnAndOffInOneRun()
    {
        using var dir = new TempDir();
        Kgssl.Synthetic.EnsembleGenerator.Generate(new Kgssl.Synthetic.EnsembleGenerator.Options(dir.Sub("data"), 4, 3,
            1));
        string cfg = dir.File("small.yml",
            "data:\n  root: data\n  source: synthetic\n  characteristics: [FC, TT]\n  train_start: 2007-10-01\n" +
            "  train_end: 2009-09-30\n  window_days: 40\nmodel:\n  encoder: cnn\n  hidden: 8\n  decoder: tcn\n  " +
                "decoder_hidden: 8\n" +
            "training:\n  reconstruction_fraction: 0.5\n");
        var (code, output, err) = Run("bench", "train", "--config", cfg, "--batch", "2", "--steps", "2", "--threads",
            "1", "--onednn", "both");
        Assert.True(code == 0, err);
        Assert.Contains("encoder=cnn decoder=tcn window=40 channels=5 reconstructed=0.5 onednn=on", output);
        Assert.Matches(
            @"data_s=[0-9.]+ forward_s=[0-9.]+ backward_s=[0-9.]+ optimizer_s=[0-9.]+ peak_memory_mib=[0-9]+", output);
        Assert.Contains("onednn=off", output);
        Assert.Contains("onednn off / on, seconds per step:", output);
        var (bad, _, badErr) = Run("bench", "train", "--onednn", "maybe");
        Assert.Equal(2, bad);
        Assert.Contains("--onednn expects on, off or both, got 'maybe'", badErr);
    }

    [Theory]
    [InlineData("--population", "2", "--population must be at least 4, got 2")]
    [InlineData("--prior-weight", "-1", "--prior-weight must be >= 0, got -1")]
    [InlineData("--strategy", "cmaes", "cmaes")]
    public void ABadRefineOptionIsAOneLineError(string option, string value, string message)
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("refine", "--run", dir.Path, option, value, "--quiet");
        Assert.NotEqual(0, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void AMissingConfigFileIsNamedInAOneLineError()
    {
        var (code, _, err) = Run("forward", "--config", "/nonexistent/x.yml");
        Assert.Equal(2, code);
        Assert.Equal("error: /nonexistent/x.yml: config file not found", err.Trim());
    }

    [Fact]
    public void CudaWithoutACudaBuildIsAClearError()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("demo", "--device", "cuda", "--basins", "10", "--years", "3", "--run-dir",
            dir.Sub("run"), "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("training.device = cuda, but no CUDA device is available", err);
    }

    [Fact]
    public void SynthWritesAnEnsembleAndPrintsItsFolderLast()
    {
        using var dir = new TempDir();
        var (code, output, _) = Run("synth", "--out", dir.Sub("e"), "--basins", "3", "--years", "2", "--quiet");
        Assert.Equal(0, code);
        Assert.Equal(dir.Sub("e"), output.Trim().Split('\n')[^1]);
        Assert.Equal(3, Directory.GetFiles(dir.Sub("e/timeseries/csv/synthetic")).Length);
    }

    [Fact]
    public void DataInspectOnAMissingRootIsAClearError()
    {
        var (code, _, err) = Run("data", "inspect", "--dataset", "caravan", "--root", "/nonexistent/kgssl");
        Assert.NotEqual(0, code);
        Assert.Contains("/nonexistent/kgssl", err);
    }
}
