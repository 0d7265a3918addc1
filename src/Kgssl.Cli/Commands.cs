using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Data;
using Kgssl.Evaluation;
using Kgssl.Experiments;
using Kgssl.Report;
using Kgssl.Runs;
using Kgssl.Synthetic;
using Kgssl.Training;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>Every subcommand of `kgssl`.</summary>
public static class Commands
{
    static readonly Option<string?> RunDirOption = new("--run-dir") { Description = "Write the run into exactly this folder (scripts); default runs/<name>_<timestamp>/" };
    static readonly Option<string[]> SetOption = new("--set") { Description = "Override a config value: section.key=value (repeatable)", AllowMultipleArgumentsPerToken = false };

    static readonly Option<string?> DeviceOption = new("--device") { Description = "cpu | cuda (overrides training.device)", Recursive = true };

    public static Option<string?> Device => DeviceOption;

    /// <summary>--set values, plus training.device when --device is given.</summary>
    static string[] Overrides(ParseResult p) =>
        [.. p.GetValue(SetOption) ?? [], .. p.GetValue(DeviceOption) is { } d ? new[] { $"training.device={d}" } : []];

    static KgsslConfig WithDevice(ParseResult p, KgsslConfig c) =>
        p.GetValue(DeviceOption) is { } d ? ConfigLoader.Parse(ConfigLoader.ToYaml(c), "run config", [$"training.device={d}"]) : c;

    public static IEnumerable<Command> All() =>
        [Demo(), Synth(), Data(), Train(), CrossvalCommand.Create(RunDirOption, SetOption, Overrides), Evaluate(), Embed(), Report(), Baseline(),
         Calibrate(), Refine(), Forward(), Bench()];

    static ConsoleReporter Reporter(ParseResult p) => new(p.GetValue(CliApp.Quiet));

    /// <summary>Prints the run folder as the last line of standard output (scripts read it).</summary>
    static int Done(string runDir)
    {
        Console.Out.WriteLine(runDir);
        return 0;
    }

    static Command Demo()
    {
        var basins = new Option<int>("--basins") { Description = "Synthetic basins", DefaultValueFactory = _ => new DemoPipeline.Options().Basins };
        var years = new Option<int>("--years") { Description = "Years of daily data per basin", DefaultValueFactory = _ => new DemoPipeline.Options().Years };
        var seed = new Option<int>("--seed") { Description = "Seed of the ensemble and the training", DefaultValueFactory = _ => new DemoPipeline.Options().Seed };
        var noise = new Option<double>("--noise") { Description = "Multiplicative log-normal streamflow noise of the ensemble (sd of log q; default 0: the exact F)", DefaultValueFactory = _ => new DemoPipeline.Options().Noise };
        var cmd = new Command("demo", "Synthetic ensemble with a known truth -> train -> evaluate -> report, in one command (no download)")
            { RunDirOption, SetOption, basins, years, seed, noise };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var clock = Stopwatch.StartNew();
            var o = new DemoPipeline.Options(p.GetValue(basins), p.GetValue(years), p.GetValue(seed), p.GetValue(noise));
            DemoPipeline.Validate(o);   // before the run folder exists: a bad option leaves nothing behind
            var run = RunDirectory.Create("demo", p.GetValue(RunDirOption));
            string dataRoot = run.File("data");
            var config = ConfigLoader.Parse(ConfigLoader.ToYaml(DemoPipeline.DefaultConfig(dataRoot, o)), "demo defaults", Overrides(p));
            run.WriteConfig(config);
            run.UpdateRunInfo(RunDirectory.StartInfo(config, "demo"));
            var result = reporter.Run(() => run.Tracked(() =>
            {
                reporter.Info($"run folder: {run.Path}");
                EnsembleGenerator.Generate(new EnsembleGenerator.Options(dataRoot, o.Basins, o.Years, o.Seed, o.Noise),
                    new Progress<double>(f => reporter.Progress("synthesize ensemble", f)));
                reporter.Info($"synthetic ensemble: {o.Basins} basins x {o.Years} years of HBV runs{(o.Noise > 0 ? $", streamflow noise sd(log q) {o.Noise}" : "")} in {dataRoot}");
                var prepared = Workflow.Prepare(run, config, reporter, useCache: false);
                Workflow.Train(run, prepared, resume: false, reporter);
                var evaluation = Workflow.Evaluate(run, prepared, config.Evaluation.Period, reporter);
                // the identifiability reference: the exact model calibrated per held-out basin on the same series
                var calibration = CalibrationReference.Run(run, prepared, "heldout", new HbvCalibration.Options(Seed: config.Training.Seed), reporter,
                    maxBasins: DemoPipeline.CalibratedBasins);
                // the learned inverse refined with F on every held-out basin (the head's estimate as prior)
                var refinement = LearnedRefinement.Run(run, prepared, "heldout", new LearnedRefinement.Settings(Seed: config.Training.Seed), reporter);
                reporter.Progress("report", 0.1);
                ReportWriter.Write(run, reporter);
                reporter.Progress("report", 1);
                return (evaluation, calibration, refinement);
            }));
            run.UpdateRunInfo(new Dictionary<string, object?> { ["end"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture), ["wall_seconds"] = clock.Elapsed.TotalSeconds });
            var (ev, cal, refined) = result;
            PrintRecovery(ev.Rows, reporter.Quiet);
            PrintRefinement(refined, reporter.Quiet);
            PrintIdentifiability(cal.Identifiability, reporter.Quiet, refined, cal.Basins.Select(b => b.Id).ToHashSet());
            if (!reporter.Quiet)
                AnsiConsole.MarkupLine(Markup.Escape($"distances: Mantel r {ev.Distances.MantelR:F3} (p {ev.Distances.MantelP:F3}); per-basin row r mean {ev.Distances.RowRMean:F3}; " +
                    $"emulator median NSE {ev.EmulatorMedianNse:F3} on {ev.EmulatorBasins} held-out basins (F with the head's parameters: {ev.PhysicsEmulatorMedianNse:F3}; calibrated HBV: {cal.MedianValidationNse:F3}); wall {clock.Elapsed.TotalSeconds:F0} s"));
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Synth()
    {
        var output = new Option<string>("--out") { Description = "Output folder (Caravan layout)", Required = true };
        var basins = new Option<int>("--basins") { Description = "Number of basins", DefaultValueFactory = _ => 120 };
        var years = new Option<int>("--years") { Description = "Years per basin", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 7 };
        var noise = new Option<double>("--noise") { Description = "Multiplicative log-normal streamflow noise (sd of log)", DefaultValueFactory = _ => 0.0 };
        var forcing = new Option<string?>("--forcing-root") { Description = "Take P and T from a Caravan data set (e.g. camels_era5l) instead of the weather generator" };
        var cmd = new Command("synth", "Write a perturbed-parameter ensemble of an HBV model with a known truth (Caravan layout)")
            { output, basins, years, seed, noise, forcing };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var o = new EnsembleGenerator.Options(p.GetValue(output)!, p.GetValue(basins), p.GetValue(years), p.GetValue(seed), p.GetValue(noise), p.GetValue(forcing));
            var clock = Stopwatch.StartNew();
            reporter.Run(() => { EnsembleGenerator.Generate(o, new Progress<double>(f => reporter.Progress("synthesize", f))); return 0; });
            reporter.Info($"{o.Basins} basins x {o.Years} years written in {clock.Elapsed.TotalSeconds:F1} s");
            Console.Out.WriteLine(Path.GetFullPath(o.Out));
            return 0;
        });
        return cmd;
    }

    static Command Data()
    {
        var dataset = new Option<string>("--dataset") { Description = "caravan | camels-us", Required = true };
        dataset.AcceptOnlyFromAmong("caravan", "camels-us");
        var rootOpt = new Option<string>("--root") { Description = "Data root folder", Required = true };
        var source = new Option<string>("--source") { Description = "Caravan source subfolder", DefaultValueFactory = _ => "camels" };
        var products = new Option<string[]>("--products") { Description = "CAMELS-US forcing products in order of preference", DefaultValueFactory = _ => ["nldas", "daymet"], AllowMultipleArgumentsPerToken = true };
        var basinFile = new Option<string?>("--basins") { Description = "Basin list file (one id per line)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Parse the text files even if a cache exists" };
        var inspect = new Command("inspect", "Read a data set and print basins, products, periods, missing fractions, characteristic coverage and load time")
            { dataset, rootOpt, source, products, basinFile, noCache };
        inspect.SetAction(p =>
        {
            var reporter = Reporter(p);
            bool camels = p.GetValue(dataset) == "camels-us";
            var c = new DataConfig
            {
                Dataset = p.GetValue(dataset)!,
                Root = Path.GetFullPath(p.GetValue(rootOpt)!),
                Source = p.GetValue(source)!,
                ForcingProducts = [.. p.GetValue(products)!],
                BasinFile = p.GetValue(basinFile) is { } f ? Path.GetFullPath(f) : "",
                Drivers = camels ? ["prcp(mm/day)", "srad(W/m2)", "tmax(C)", "tmin(C)", "vp(Pa)"] : new DataConfig().Drivers,
            };
            if (!camels) c = c with { Characteristics = DataInspector.CaravanCharacteristics(c.Root, c.Source) };
            var loaded = reporter.Run(() => DatasetLoader.Load(c, !p.GetValue(noCache), progress: new Progress<double>(x => reporter.Progress("load", x))));
            DataInspector.Print(loaded, c);
            return 0;
        });
        var cmd = new Command("data", "Data set tools");
        cmd.Subcommands.Add(inspect);
        return cmd;
    }

    static Command Train()
    {
        var config = new Option<string?>("--config") { Description = "Run config (YAML), e.g. configs/camels_era5l.yml" };
        var resume = new Option<string?>("--resume") { Description = "Go on from the last finished epoch of this run folder" };
        var name = new Option<string?>("--name") { Description = "Run name (default: the config file's name)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the data cache" };
        var evaluate = new Option<bool>("--evaluate") { Description = "Evaluate and write the report after training" };
        var cmd = new Command("train", "Train a KGSSL model; writes a run folder") { config, RunDirOption, SetOption, resume, name, noCache, evaluate };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            RunDirectory run;
            KgsslConfig cfg;
            bool resuming = p.GetValue(resume) is not null;
            if (resuming)
            {
                if (p.GetValue(config) is not null) throw new ConfigException("give --config FILE for a new run or --resume RUN_DIR, not both");
                run = RunDirectory.Open(p.GetValue(resume)!);
                cfg = run.ResumeConfig(Overrides(p));
            }
            else
            {
                string file = p.GetValue(config) ?? throw new ConfigException("train needs --config FILE (or --resume RUN_DIR)");
                cfg = ConfigLoader.LoadFile(file, Overrides(p));
                run = RunDirectory.Create(p.GetValue(name) ?? Path.GetFileNameWithoutExtension(file), p.GetValue(RunDirOption));
                run.WriteConfig(cfg);
                run.UpdateRunInfo(RunDirectory.StartInfo(cfg, "train"));
            }
            reporter.Info($"run folder: {run.Path}");
            var clock = Stopwatch.StartNew();
            var result = reporter.Run(() => run.Tracked(() =>
            {
                var prepared = Workflow.Prepare(run, cfg, reporter, !p.GetValue(noCache), resuming);
                Workflow.Train(run, prepared, resuming, reporter);
                if (!p.GetValue(evaluate)) return null;
                var r = Workflow.Evaluate(run, prepared, cfg.Evaluation.Period, reporter);
                ReportWriter.Write(run, reporter);
                return r;
            }));
            run.UpdateRunInfo(new Dictionary<string, object?> { ["end"] = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture), ["wall_seconds"] = clock.Elapsed.TotalSeconds });
            if (result is not null) PrintRecovery(result.Rows, reporter.Quiet);
            return Done(run.Path);
        });
        return cmd;
    }

    static readonly Option<string> RunOption = new("--run") { Description = "A run folder written by train or demo", Required = true };

    static Command Evaluate()
    {
        var period = new Option<string?>("--period") { Description = "train | test (default: the config's evaluation.period)" };
        var compare = new Option<string?>("--compare") { Description = "A baseline run folder to show side by side" };
        var cmd = new Command("evaluate", "Characteristic recovery, distance matrices and the emulator score of a trained run") { RunOption, period, compare };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = WithDevice(p, run.ReadConfig());
            string per = p.GetValue(period) ?? cfg.Evaluation.Period;
            var result = reporter.Run(() => Workflow.Evaluate(run, Workflow.Prepare(run, cfg, reporter), per, reporter));
            PrintRecovery(result.Rows, reporter.Quiet);
            if (p.GetValue(compare) is { } other)
                foreach (var (name, file) in ComparisonFiles(other))
                {
                    // kept in the run folder so that the report shows the run beside its baselines
                    File.Copy(file, run.File($"compare_{name}.csv"), overwrite: true);
                    PrintComparison(result.Rows, CharacteristicRecovery.ReadCsv(file), name);
                }
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Embed()
    {
        var rootOpt = new Option<string?>("--root") { Description = "Data root (default: the run's data root)" };
        var basins = new Option<string?>("--basins") { Description = "Basin list file (default: every basin of the data set)" };
        var period = new Option<string>("--period") { Description = "train | test | YYYY-MM-DD..YYYY-MM-DD", DefaultValueFactory = _ => "test" };
        var output = new Option<string?>("--out") { Description = "Output stem (default: <run>/embeddings_<period>)" };
        var knowledge = new Option<bool>("--knowledge") { Description = "Also write the knowledge-guided estimate (<stem>_knowledge.csv): the pure inverse with the nearest gauges and a ridge on signatures" };
        var known = new Option<string?>("--known") { Description = "Characteristics known for every basin, comma-separated (e.g. area_gages2,elev_mean): used as they are, the others estimated (implies --knowledge)" };
        var cmd = new Command("embed", "Embed basins (seen or never seen) with a trained run; CSV and Parquet") { RunOption, rootOpt, basins, period, output, knowledge, known };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = WithDevice(p, run.ReadConfig());
            var data = cfg.Data with
            {
                Root = p.GetValue(rootOpt) is { } r ? Path.GetFullPath(r) : cfg.Data.Root,
                BasinFile = p.GetValue(basins) is { } b ? Path.GetFullPath(b) : "",
            };
            cfg = cfg with { Data = data };
            string per = p.GetValue(period)!;
            string stem = p.GetValue(output) ?? run.File($"embeddings_{per.Replace("..", "_")}");
            string[]? knownNames = p.GetValue(known) is { } k ? k.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : p.GetValue(knowledge) ? [] : null;
            var (embedded, total) = reporter.Run(() => EmbedCommand.Run(run, cfg, per, stem, reporter, knownNames));
            reporter.Info($"{embedded} of {total} basins embedded{(embedded < total ? $" ({total - embedded} without: the note column says why)" : "")}: " +
                $"{stem}.csv, {stem}.parquet{(knownNames is null ? "" : $", {stem}_knowledge.csv")}");
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Report()
    {
        var cmd = new Command("report", "Write report.html (self-contained, plots embedded) for an evaluated run") { RunOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            string path = reporter.Run(() => ReportWriter.Write(run, reporter));
            reporter.Info($"report: {path}");
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Baseline()
    {
        var config = new Option<string>("--config") { Description = "Run config naming the data (as for train)", Required = true };
        var rootOpt = new Option<string?>("--root") { Description = "Data root (overrides data.root)" };
        var cmd = new Command("baseline", "Baselines: signature ridge, 1-nearest-neighbour fingerprint, the 5 nearest gauges and the stacked ridge (signatures + gauges), same-basin and unseen-basin protocols")
            { config, rootOpt, RunDirOption, SetOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var cfg = ConfigLoader.LoadFile(p.GetValue(config)!, p.GetValue(SetOption));
            if (p.GetValue(rootOpt) is { } r) cfg = cfg with { Data = cfg.Data with { Root = Path.GetFullPath(r) } };
            var run = RunDirectory.Create("baseline", p.GetValue(RunDirOption));
            run.WriteConfig(cfg);
            run.UpdateRunInfo(RunDirectory.StartInfo(cfg, "baseline"));
            var result = reporter.Run(() =>
            {
                var data = DatasetLoader.Load(cfg.Data, progress: new Progress<double>(f => reporter.Progress("load data", f))).Data;
                return Kgssl.Evaluation.Baseline.Run(cfg, data, new Progress<double>(f => reporter.Progress("signatures", f)));
            });
            foreach (var note in result.Notes) reporter.Info("baseline: " + note);
            foreach (var (method, rows) in result.Rows)
                File.WriteAllText(run.File($"characteristics_{method}.csv"), CharacteristicRecovery.ToCsv(rows));
            BaselinePredictions.Write(run.File("baseline_predictions.csv"), result);
            foreach (var (method, rows) in result.Rows)
            {
                if (!reporter.Quiet) AnsiConsole.MarkupLine($"[bold]{Markup.Escape(BaselinePredictions.Describe(method))}[/] (train = same basins' test years; heldout = unseen basins, pooled over folds)");
                PrintRecovery(rows, reporter.Quiet);
            }
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Calibrate()
    {
        var set = new Option<string>("--basin-set") { Description = "heldout | train: whose parameters to calibrate", DefaultValueFactory = _ => "heldout" };
        var generations = new Option<int>("--generations") { Description = "Differential-evolution generations (population 40)", DefaultValueFactory = _ => 150 };
        var maxBasins = new Option<int>("--max-basins") { Description = "Calibrate only the first N basins of the set (0 = all)", DefaultValueFactory = _ => 0 };
        var period = new Option<string?>("--period") { Description = "train | test: the period to calibrate on (default: the run's evaluation period)" };
        var context = new Option<string>("--context") { Description = "period: the model sees the calibrated period alone (what the learned inverse reads), a year of spin-up from default storages; states: that period alone from searched initial storages; record: it runs through the whole record before it", DefaultValueFactory = _ => "period" };
        context.AcceptOnlyFromAmong("period", "states", "record");
        var cmd = new Command("calibrate", "Identifiability reference on a synthetic run: calibrate HBV per basin (exact model) on the evaluation period, score the parameters against the truth")
            { RunOption, set, generations, maxBasins, period, context };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = run.ReadConfig();
            var outcome = reporter.Run(() => CalibrationReference.Run(run, Workflow.Prepare(run, cfg, reporter), p.GetValue(set)!,
                new HbvCalibration.Options(Generations: p.GetValue(generations), Seed: cfg.Training.Seed), reporter, p.GetValue(maxBasins), p.GetValue(period), p.GetValue(context)!));
            PrintRecovery(outcome.Rows, reporter.Quiet);
            PrintIdentifiability(outcome.Identifiability, reporter.Quiet);
            reporter.Info($"calibrated HBV, validated on the other period: median NSE {outcome.MedianValidationNse:F3} over {outcome.Basins.Count} basins");
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Refine()
    {
        var set = new Option<string>("--basin-set") { Description = "heldout | train: whose parameters to refine", DefaultValueFactory = _ => "heldout" };
        var d = new LearnedRefinement.Settings();
        var population = new Option<int>("--population") { Description = "Differential-evolution population per basin", DefaultValueFactory = _ => d.Population };
        var generations = new Option<int>("--generations") { Description = "Differential-evolution generations", DefaultValueFactory = _ => d.Generations };
        var weight = new Option<double>("--prior-weight") { Description = "Weight of the learned prior's penalty (mean squared z) against the objective (mean of NSE and log NSE)", DefaultValueFactory = _ => d.Weight };
        var maxBasins = new Option<int>("--max-basins") { Description = "Refine only the first N basins of the set in id order (0 = all)", DefaultValueFactory = _ => 0 };
        var states = new Option<bool>("--free-states") { Description = "Search the storages (soil, upper and lower box, snow) the period starts with too (flat prior); false: a year of spin-up from default storages", DefaultValueFactory = _ => d.FreeStates };
        var strategy = new Option<string>("--strategy") { Description = "best: DE/best/1 (converges fast from the learned estimate); rand: DE/rand/1", DefaultValueFactory = _ => d.Best ? "best" : "rand" };
        strategy.AcceptOnlyFromAmong("best", "rand");
        var cmd = new Command("refine", "On a synthetic run: refine the learned inverse's parameters with the exact HBV model (the head's estimate as prior, a short differential evolution per basin)")
            { RunOption, set, population, generations, weight, maxBasins, states, strategy };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var settings = new LearnedRefinement.Settings(p.GetValue(population), p.GetValue(generations), p.GetValue(weight), 1,
                p.GetValue(states), p.GetValue(strategy) == "best");
            settings.Validate();   // before the run folder is read: a bad option is named first
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = run.ReadConfig();
            settings = settings with { Seed = cfg.Training.Seed };
            var outcome = reporter.Run(() => LearnedRefinement.Run(run, Workflow.Prepare(run, cfg, reporter), p.GetValue(set)!, settings, reporter, p.GetValue(maxBasins)));
            PrintRefinement(outcome, reporter.Quiet);
            reporter.Info($"refined parameters: {run.File("refined.csv")}; scores: {run.File("characteristics_refined.csv")}");
            return Done(run.Path);
        });
        return cmd;
    }

    static void PrintRefinement(LearnedRefinement.Outcome o, bool quiet)
    {
        if (quiet) return;
        var table = new Table().Title($"The learned inverse refined with F: {o.Basins.Count} {o.Rows[0].BasinSet} basins, Pearson r (KGSSL's estimate as prior, the exact HBV fitted per basin)").AddColumn("parameter")
            .AddColumn(new TableColumn("learned").RightAligned()).AddColumn(new TableColumn("refined").RightAligned()).AddColumn(new TableColumn("prior sd").RightAligned());
        for (int k = 0; k < o.Rows.Count; k++)
            table.AddRow(Markup.Escape(o.Rows[k].Characteristic), o.Learned[k].PearsonR.ToString("F3", CultureInfo.InvariantCulture),
                o.Rows[k].PearsonR.ToString("F3", CultureInfo.InvariantCulture), o.Sigma[k].ToString("G3", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        int above = o.Rows.Count(r => r.PearsonR >= Identifiability.Bar), aboveLearned = o.Learned.Count(r => r.PearsonR >= Identifiability.Bar);
        AnsiConsole.MarkupLine(Markup.Escape($"r >= {Identifiability.Bar}: {aboveLearned} of {o.Rows.Count} learned, {above} refined; median objective (mean of NSE and log NSE) {o.MedianObjective:F4}; {o.Seconds:F1} s"));
    }

    static Command Forward()
    {
        var config = new Option<string>("--config") { Description = "Run config naming the data and the forward section", Required = true };
        var statics = new Option<string>("--statics") { Description = "all | true | corrupted | embedding | random | none", DefaultValueFactory = _ => "all" };
        statics.AcceptOnlyFromAmong("all", "true", "corrupted", "embedding", "random", "none");
        var embeddingRun = new Option<string?>("--embedding-run") { Description = "KGSSL run folder whose embeddings feed the embedding setting" };
        var cmd = new Command("forward", "Forward-model experiment: a streamflow model fed true, corrupted, random, KGSSL-embedded or no statics")
            { config, statics, embeddingRun, RunDirOption, SetOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var cfg = ConfigLoader.LoadFile(p.GetValue(config)!, Overrides(p));
            // every gauged basin trains on its training years and is scored on its test years
            cfg = cfg with { Data = cfg.Data with { HeldoutFraction = 0, Folds = 0, ValidationFraction = 0 } };
            if (p.GetValue(embeddingRun) is { } er) cfg = cfg with { Forward = cfg.Forward with { EmbeddingRun = Path.GetFullPath(er) } };
            var run = RunDirectory.Create("forward", p.GetValue(RunDirOption));
            run.WriteConfig(cfg);
            run.UpdateRunInfo(RunDirectory.StartInfo(cfg, "forward " + p.GetValue(statics)));
            var results = reporter.Run(() =>
            {
                var prepared = Workflow.Prepare(run, cfg, reporter);
                var basins = prepared.Split.Train;
                Func<int, double[][]>? embedding = cfg.Forward.EmbeddingRun.Length > 0
                    ? months => ForwardExperiment.Embeddings(cfg.Forward.EmbeddingRun, cfg, prepared.Data, basins, months)
                    : null;
                var settings = ForwardExperiment.Settings(cfg, prepared, basins, p.GetValue(statics)!, embedding);
                var device = TorchSetup.Configure(cfg.Training);
                var list = new List<ForwardExperiment.SettingResult>();
                foreach (var setting in settings)
                {
                    var r = ForwardExperiment.Run(cfg, prepared.Store, basins, setting, prepared.Normalizer, device,
                        new Progress<double>(x => reporter.Progress("forward " + setting.Name, x)));
                    list.Add(r);
                    ForwardExperiment.Write(run.Path, list);
                    reporter.Info($"{setting.Name}: median NSE {r.MedianNse:F3}, mean {r.MeanNse:F3}, {r.Scores.Count(x => !(x.Nse > 0))} basins NSE <= 0, {r.WallSeconds:F0} s");
                }
                ReportWriter.Write(run, reporter);
                return list;
            });
            if (!reporter.Quiet)
            {
                var table = new Table().Title("Forward model, test period").AddColumns("setting", "n", "mean NSE", "median NSE", "NSE <= 0", "wall s");
                foreach (var r in results)
                    table.AddRow(r.Setting.Name, r.Scores.Count.ToString(CultureInfo.InvariantCulture), r.MeanNse.ToString("F3", CultureInfo.InvariantCulture),
                        r.MedianNse.ToString("F3", CultureInfo.InvariantCulture), r.Scores.Count(x => !(x.Nse > 0)).ToString(CultureInfo.InvariantCulture),
                        r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture));
                AnsiConsole.Write(table);
            }
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Bench() => BenchCommand.Create();

    public static void PrintRecovery(IReadOnlyList<RecoveryRow> rows, bool quiet)
    {
        if (rows.Count == 0) return;
        var sets = rows.Select(r => r.BasinSet).Distinct().ToList();
        var table = new Table().Title("Characteristic recovery (Pearson r)").AddColumn("characteristic");
        foreach (var s in sets) { table.AddColumn(new TableColumn($"r {s}").RightAligned()); table.AddColumn(new TableColumn($"rmse_z {s}").RightAligned()); }
        foreach (var name in rows.Select(r => r.Characteristic).Distinct())
        {
            var cells = new List<string> { name };
            foreach (var s in sets)
            {
                var r = rows.FirstOrDefault(x => x.Characteristic == name && x.BasinSet == s);
                cells.Add(r is null ? "" : r.PearsonR.ToString("F3", CultureInfo.InvariantCulture));
                cells.Add(r is null ? "" : r.RmseZ.ToString("F3", CultureInfo.InvariantCulture));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        var summary = new List<string> { "above 0.8 / 0.9; mean r" };
        foreach (var s in sets)
        {
            var (a8, a9, mean, meanZ, n) = CharacteristicRecovery.Summary(rows.Where(r => r.BasinSet == s));
            summary.Add($"{a8}/{n} ; {a9}/{n} ; {mean:F3}");
            summary.Add($"{meanZ:F3}");
        }
        table.AddRow(summary.Select(Markup.Escape).ToArray());
        if (quiet)
        {
            foreach (var r in rows) Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Characteristic},{r.BasinSet},{r.PearsonR:F4}"));
            return;
        }
        AnsiConsole.Write(table);
    }

    /// <param name="refined">When given: the refined inverse beside them, on the calibrated basins, and on all its basins in the summary.</param>
    static void PrintIdentifiability(IReadOnlyList<IdentifiabilityRow> rows, bool quiet, LearnedRefinement.Outcome? refined = null, IReadOnlySet<string>? calibrated = null)
    {
        if (quiet || rows.Count == 0) return;
        var table = new Table().Title($"Identifiability: the true model calibrated per basin vs the learned inverse, same basins (Pearson r; identifiable = calibration r >= {Identifiability.Bar})")
            .AddColumn("parameter").AddColumn(new TableColumn("calibration").RightAligned()).AddColumn("identifiable").AddColumn(new TableColumn("KGSSL").RightAligned());
        var same = refined is not null && calibrated is not null ? refined.PearsonOn(calibrated) : null;
        if (same is not null) table.AddColumn(new TableColumn("KGSSL + F").RightAligned());
        foreach (var r in rows)
        {
            var cells = new List<string> { Markup.Escape(r.Parameter), r.CalibrationR.ToString("F3", CultureInfo.InvariantCulture), r.Identifiable ? "yes" : "no", r.LearnedR.ToString("F3", CultureInfo.InvariantCulture) };
            if (same is not null) cells.Add(same.GetValueOrDefault(r.Parameter, double.NaN).ToString("F3", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        int identifiable = rows.Count(r => r.Identifiable), met = rows.Count(r => r.LearnedMeetsBar(Identifiability.Bar));
        string line = $"identifiable: {identifiable} of {rows.Count} ({string.Join(", ", rows.Where(r => r.Identifiable).Select(r => r.Parameter))}); " +
            $"learned inverse at r >= {Identifiability.Bar} on {met} of them";
        if (same is not null)
        {
            var all = refined!.Rows.ToDictionary(r => r.Characteristic, r => r.PearsonR);
            var ids = rows.Where(r => r.Identifiable).ToList();
            line += $"; refined with F on {ids.Count(r => same.GetValueOrDefault(r.Parameter) >= Identifiability.Bar)} of them here, " +
                $"on {ids.Count(r => all.GetValueOrDefault(r.Parameter) >= Identifiability.Bar)} on all {refined.Basins.Count} held-out basins";
        }
        AnsiConsole.MarkupLine(Markup.Escape(line));
    }

    /// <summary>The recovery tables of another run: characteristics.csv, or a baseline run's ridge and fingerprint files.</summary>
    static IEnumerable<(string Name, string File)> ComparisonFiles(string dir)
    {
        string stem = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
        var files = new[] { "characteristics.csv", "characteristics_ridge.csv", "characteristics_fingerprint.csv" }
            .Select(f => Path.Combine(dir, f)).Where(File.Exists).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"{dir}: no characteristics*.csv to compare with (run evaluate or baseline there first)");
        return files.Select(f => (Path.GetFileNameWithoutExtension(f) == "characteristics" ? stem : Path.GetFileNameWithoutExtension(f)["characteristics_".Length..], f));
    }

    static void PrintComparison(IReadOnlyList<RecoveryRow> mine, IReadOnlyList<RecoveryRow> other, string otherName)
    {
        var table = new Table().Title($"This run vs {Markup.Escape(otherName)} (Pearson r)").AddColumn("characteristic").AddColumn("set").AddColumn("this").AddColumn("other");
        foreach (var r in mine)
        {
            var o = other.FirstOrDefault(x => x.Characteristic == r.Characteristic && x.BasinSet == r.BasinSet);
            table.AddRow(r.Characteristic, r.BasinSet, r.PearsonR.ToString("F3", CultureInfo.InvariantCulture), o?.PearsonR.ToString("F3", CultureInfo.InvariantCulture) ?? "-");
        }
        AnsiConsole.Write(table);
    }
}
