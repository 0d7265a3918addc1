using System.CommandLine;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Experiments;
using Kgssl.Report;
using Kgssl.Runs;
using Kgssl.Training;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl forward`: a streamflow model fed different statics.</summary>
public static partial class Commands
{
    static Command Forward()
    {
        var config = new Option<string>("--config") {
            Description = "Run config naming the data and the forward section", Required = true };
        var statics = new Option<string>("--statics") {
            Description = string.Join(" | ", Choices.Statics.All),
            DefaultValueFactory = _ => Choices.Statics.Every };
        statics.AcceptOnlyFromAmong(Choices.Statics.All);
        var embeddingRun = new Option<string?>("--embedding-run") {
            Description = "KGSSL run folder whose embeddings feed the embedding setting (with --ungauged: a " +
                "crossval run folder, its fold_k runs embed fold k)" };
        var ungauged = new Option<bool>("--ungauged") {
            Description = "Basins the streamflow model never trained on: train on the other folds, score each fold's " +
                "basins (resumes in an existing --run-dir)" };
        var folds = new Option<int>("--folds") {
            Description = "Folds over basins with --ungauged (drawn as crossval draws them)",
            DefaultValueFactory = _ => 5 };
        var cmd = new Command("forward",
            "Forward-model experiment: a streamflow model fed true, corrupted, random, KGSSL-embedded or no statics")
            { config, statics, embeddingRun, ungauged, folds, RunDirOption, SetOption };
        cmd.SetAction(p => RunForward(p, p.GetValue(config)!, p.GetValue(statics)!, p.GetValue(embeddingRun),
            p.GetValue(ungauged) ? p.GetValue(folds) : 0));
        return cmd;
    }

    /// <summary>Every setting asked for, trained and scored; with <paramref name="folds"/> &gt; 0 on basins the
    /// model never trained on.</summary>
    static int RunForward(ParseResult p, string configPath, string statics, string? embeddingRun, int folds)
    {
        var reporter = Reporter(p);
        var cfg = ConfigLoader.LoadFile(configPath, Overrides(p));
        // every gauged basin trains on its training years and is scored on its test years
        cfg = cfg with { Data = cfg.Data with { HeldoutFraction = 0, Folds = 0, ValidationFraction = 0 } };
        if (embeddingRun is { } er) cfg = cfg with { Forward = cfg.Forward
            with { EmbeddingRun = Path.GetFullPath(er) } };
        string command = $"forward {statics}" + (folds > 0 ? $" --ungauged --folds {folds}" : "");
        var run = folds > 0 ? UngaugedRun(p.GetValue(RunDirOption), cfg, command)
            : RunDirectory.Start("forward", p.GetValue(RunDirOption), cfg, command);
        var results = reporter.Run(() => run.Tracked(() =>
        {
            var prepared = Workflow.Prepare(run, cfg, reporter);
            var device = TorchSetup.Configure(cfg.Training);
            string? embeddings = cfg.Forward.EmbeddingRun.Length > 0 ? cfg.Forward.EmbeddingRun : null;
            return folds > 0
                ? ForwardExperiment.Ungauged(cfg, prepared, prepared.Split.Train, folds, statics, embeddings, device,
                    run, reporter)
                : ForwardExperiment.Gauged(cfg, prepared, prepared.Split.Train, statics, embeddings, device, run,
                    reporter);
        }));
        reporter.Run(() => ReportWriter.Write(run, reporter));
        if (!reporter.Quiet) PrintForward(results);
        return Done(run.Path);
    }

    /// <summary>The ungauged protocol's run folder: a new one, or the given one resumed when it holds the same
    /// resolved config (anything else there is refused, never mixed in).</summary>
    static RunDirectory UngaugedRun(string? runDir, KgsslConfig cfg, string command)
    {
        if (runDir is null || !File.Exists(Path.Combine(runDir, RunFiles.Config)))
            return RunDirectory.Start("forward_ungauged", runDir, cfg, command);
        var run = RunDirectory.Open(runDir);
        if (File.ReadAllText(run.File(RunFiles.Config)) != ConfigLoader.ToYaml(cfg))
            throw new ConfigException($"{runDir}: holds a run with another config; give a new --run-dir to start " +
                "afresh, or the same config and options to resume it");
        run.UpdateRunInfo(RunDirectory.StartInfo(cfg, command));
        return run;
    }

    static void PrintForward(IEnumerable<ForwardExperiment.SettingResult> results)
    {
        var table = new Table().Title("Forward model, test period")
            .AddColumns("setting", "n", "mean NSE", "median NSE", "median KGE", "NSE <= 0", "wall s");
        foreach (var r in results)
            table.AddRow(r.Setting.Name, r.Scores.Count.ToString(CultureInfo.InvariantCulture),
                r.MeanNse.ToString("F3", CultureInfo.InvariantCulture),
                r.MedianNse.ToString("F3", CultureInfo.InvariantCulture),
                r.MedianKge.ToString("F3", CultureInfo.InvariantCulture),
                r.Scores.Count(x => !(x.Nse > 0)).ToString(CultureInfo.InvariantCulture),
                r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}
