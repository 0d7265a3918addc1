using System.CommandLine;
using Kgssl.Config;
using Kgssl.Evaluation;
using Kgssl.Report;
using Kgssl.Runs;

namespace Kgssl.Cli;

/// <summary>`kgssl train`, `evaluate`, `embed` and `report`: a run from its config to its report.</summary>
public static partial class Commands
{
    static Command Train()
    {
        var config = new Option<string?>("--config") {
            Description = "Run config (YAML), e.g. configs/camels_era5l.yml" };
        var resume = new Option<string?>("--resume") {
            Description = "Go on from the last finished epoch of this run folder" };
        var name = new Option<string?>("--name") { Description = "Run name (default: the config file's name)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the data cache" };
        var evaluate = new Option<bool>("--evaluate") { Description = "Evaluate and write the report after training" };
        var cmd = new Command("train", "Train a KGSSL model; writes a run folder") { config, RunDirOption, SetOption,
            resume, name, noCache, evaluate };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            RunDirectory run;
            KgsslConfig cfg;
            bool resuming = p.GetValue(resume) is not null;
            if (resuming)
            {
                if (p.GetValue(config) is not null) throw new ConfigException(
                    "give --config FILE for a new run or --resume RUN_DIR, not both");
                run = RunDirectory.Open(p.GetValue(resume)!);
                cfg = run.ResumeConfig(Overrides(p));
            }
            else
            {
                string file = p.GetValue(config) ?? throw new ConfigException(
                    "train needs --config FILE (or --resume RUN_DIR)");
                cfg = ConfigLoader.LoadFile(file, Overrides(p));
                run = RunDirectory.Start(p.GetValue(name) ?? Path.GetFileNameWithoutExtension(file),
                    p.GetValue(RunDirOption), cfg, "train");
            }
            reporter.Info($"run folder: {run.Path}");
            var result = reporter.Run(() => run.Tracked(() =>
            {
                var prepared = Workflow.Prepare(run, cfg, reporter, !p.GetValue(noCache), resuming);
                Workflow.Train(run, prepared, resuming, reporter);
                if (!p.GetValue(evaluate)) return null;
                return Workflow.Evaluate(run, prepared, cfg.Evaluation.Period, reporter);
            }));
            if (result is not null) reporter.Run(() => ReportWriter.Write(run, reporter));
            if (result is not null) PrintRecovery(result.Rows, reporter.Quiet);
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Evaluate()
    {
        var period = new Option<string?>("--period") {
            Description = "train | test (default: the config's evaluation.period)" };
        var compare = new Option<string?>("--compare") { Description = "A baseline run folder to show side by side" };
        var cmd = new Command("evaluate",
            "Characteristic recovery, distance matrices and the emulator score of a trained run") { RunOption, period,
            compare };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = WithDevice(p, run.ReadConfig());
            string per = p.GetValue(period) ?? cfg.Evaluation.Period;
            var result = reporter.Run(() => Workflow.Evaluate(run, Workflow.Prepare(run, cfg, reporter), per,
                reporter));
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
        var sourceOpt = new Option<string?>("--source") {
            Description = "Caravan source subfolder of --root (default: the run's data.source)" };
        var basins = new Option<string?>("--basins") {
            Description = "Basin list file (default: every basin of the data set)" };
        var period = new Option<string>("--period") { Description = "train | test | START:END (ISO dates)",
            DefaultValueFactory = _ => "test" };
        var output = new Option<string?>("--out") { Description = "Output stem (default: <run>/embeddings_<period>)" };
        var knowledge = new Option<bool>("--knowledge") {
            Description = "Also write the knowledge-guided estimate (<stem>_knowledge.csv): the pure inverse with " +
            "the nearest gauges and a ridge on signatures" };
        var known = new Option<string?>("--known") {
            Description = "Characteristics known for every basin, comma-separated (e.g. area_gages2,elev_mean): used " +
            "as they are, the others estimated (implies --knowledge)" };
        var cmd = new Command("embed", "Embed basins (seen or never seen) with a trained run; CSV and Parquet") {
            RunOption, rootOpt, sourceOpt, basins, period, output, knowledge, known };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.Open(p.GetValue(RunOption)!);
            var cfg = WithDevice(p, run.ReadConfig());
            var data = cfg.Data with
            {
                Root = p.GetValue(rootOpt) is { } r ? Path.GetFullPath(r) : cfg.Data.Root,
                Source = p.GetValue(sourceOpt) ?? cfg.Data.Source,
                BasinFile = p.GetValue(basins) is { } b ? Path.GetFullPath(b) : "",
            };
            cfg = cfg with { Data = data };
            string per = p.GetValue(period)!;
            string stem = p.GetValue(output) ?? run.File($"embeddings_{per.Replace("..", "_")}");
            string[]? knownNames = p.GetValue(known) is { } k ? k.Split(',',
                StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : p.GetValue(knowledge) ? [] : null;
            var (embedded, total) = reporter.Run(() => EmbedCommand.Run(run, cfg, per, stem, reporter, knownNames));
            if (knownNames is not null) ParquetMirror.Write(RunFiles.KnowledgeStem(stem) + ".csv",
                RunFiles.KnowledgeStem(stem) + ".parquet");
            reporter.Info(
                $"{embedded} of {total} basins " +
                $"embedded{(embedded < total ? $" ({total - embedded} without: the note column says why)" : "")}: " +
                $"{stem}.csv, " +
                    $"{stem}.parquet{(knownNames is null ? "" : $", {stem}_knowledge.csv, {stem}_knowledge.parquet")}");
            return Done(run.Path);
        });
        return cmd;
    }

    static Command Report()
    {
        var cmd = new Command("report", "Write report.html (self-contained, plots embedded) for an evaluated, invert " +
            "or simulate run") { RunOption };
        cmd.SetAction(p =>
        {
            var reporter = Reporter(p);
            var run = RunDirectory.OpenAny(p.GetValue(RunOption)!);
            string path = reporter.Run(() => ReportWriter.ForRun(run, reporter));
            reporter.Info($"report: {path}");
            return Done(run.Path);
        });
        return cmd;
    }
}
