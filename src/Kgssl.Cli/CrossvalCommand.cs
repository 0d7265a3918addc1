using System.CommandLine;
using System.Globalization;
using Kgssl.Config;
using Kgssl.Evaluation;
using Kgssl.Runs;
using Spectre.Console;

namespace Kgssl.Cli;

/// <summary>`kgssl crossval`: the unseen-basin protocol over every fold, pooled, with the baselines on the same
/// folds.</summary>
public static class CrossvalCommand
{
    public static Command Create(Option<string?> runDir, Option<string[]> set, Func<ParseResult, string[]> overrides)
    {
        var config = new Option<string>("--config") { Description = "Run config (YAML), e.g. configs/camels_era5l.yml",
            Required = true };
        var folds = new Option<int?>("--folds") {
            Description = "Folds over basins (default: the config's data.folds)" };
        var known = new Option<string?>("--known") {
            Description = "Characteristics given as known for the imputation scores, comma-separated (sets " +
            "evaluation.known)" };
        var cmd = new Command("crossval",
            "Train and evaluate every fold of the unseen-basin protocol (resumable), pool the held-out " +
            "predictions, and score the baselines on the same folds") { config, folds, known, runDir, set };
        cmd.SetAction(p =>
        {
            var reporter = new ConsoleReporter(p.GetValue(CliApp.Quiet));
            string file = p.GetValue(config)!;
            var extra = new List<string>(overrides(p));
            if (p.GetValue(folds) is { } n) extra.Add($"data.folds={n}");
            if (p.GetValue(known) is { } k) extra.Add($"evaluation.known=[{k}]");
            var cfg = ConfigLoader.LoadFile(file, [.. extra]);
            if (cfg.Data.Folds < 2) throw new ConfigException(
                $"{file}: crossval needs data.folds >= 2 (or --folds N), got {cfg.Data.Folds}");
            string? dir = p.GetValue(runDir);
            bool existing = dir is not null && File.Exists(Path.Combine(dir, RunFiles.Config));
            var run = existing ? RunDirectory.Open(dir!) : RunDirectory.Create("crossval_"
                + Path.GetFileNameWithoutExtension(file), dir);
            if (existing && ConfigLoader.ToYaml(run.ReadConfig()) != ConfigLoader.ToYaml(cfg))
                throw new ConfigException(
                    $"{run.Path}: holds a cross-validation with another config; give a new --run-dir or the same " +
                    $"config and --set values");
            run.Begin(cfg, "crossval");
            reporter.Info($"run folder: {run.Path}");
            var outcome = reporter.Run(() => run.Tracked(() => CrossValidation.Run(run, cfg, reporter)));
            reporter.Info($"report: {Kgssl.Report.ReportWriter.WriteCrossval(run, outcome)}");
            Print(outcome, reporter.Quiet);
            return Commands.Done(run.Path);
        });
        return cmd;
    }

    static void Print(CrossValidation.Outcome o, bool quiet)
    {
        var methods = o.Pooled.Keys.ToList();
        if (quiet)
        {
            foreach (var m in methods)
            {
                var (a8, a9, mean, z, n) = CharacteristicRecovery.Summary(o.Pooled[m]);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m},{a8}/{n},{a9}/{n},{mean:F4},{z:F4}"));
            }
            return;
        }
        var table = new Table().Title("Basins never seen in training, all folds pooled (Pearson r)")
            .AddColumn("characteristic");
        foreach (var m in methods) table.AddColumn(new TableColumn(m).RightAligned());
        foreach (var name in o.Pooled[methods[0]].Select(r => r.Characteristic))
            table.AddRow([name, .. methods.Select(m => o.Pooled[m].FirstOrDefault(
                r => r.Characteristic == name)?.PearsonR.ToString("F3", CultureInfo.InvariantCulture) ?? "")]);
        table.AddRow(["> 0.8 ; > 0.9 ; mean r", .. methods.Select(m =>
        {
            var (a8, a9, mean, _, n) = CharacteristicRecovery.Summary(o.Pooled[m]);
            return string.Create(CultureInfo.InvariantCulture, $"{a8}/{n} ; {a9}/{n} ; {mean:F3}");
        })]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"wall {o.WallSeconds:F0} s; per-fold scores: crossval_folds.csv"));
    }
}
